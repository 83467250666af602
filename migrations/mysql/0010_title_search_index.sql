-- Title-only full-text matches (the first tier of search relevance) from their own index: a
-- MATCH must name exactly the columns of a FULLTEXT index.
SET SESSION innodb_ft_enable_stopword = 0;
CREATE FULLTEXT INDEX products_title_search_idx ON products (title);
SET SESSION innodb_ft_enable_stopword = 1;
