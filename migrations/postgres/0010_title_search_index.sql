-- Title-only full-text matches (the first tier of search relevance) from their own index:
-- `products_search_idx` holds title and description words alike, so it would send every
-- product with the word in its description to be rechecked for a title match.
CREATE INDEX products_title_search_idx ON products USING GIN (to_tsvector('english', title));
