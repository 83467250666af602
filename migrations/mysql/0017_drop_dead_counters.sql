-- PostgreSQL's counter table; this engine never had one.
DO 0;
