-- A query lexeme's (qw.w) nearest known lexemes by the trigram GiST index's `<->` (1 - similarity),
-- read from the index in distance order. The PostgreSQL server's form; see trgm-neighbours-scan.sql.
-- pg_trgm's function and operator through its own schema ({{ext:…}}), whatever the search_path.
SELECT w.word, 1 - (w.word OPERATOR({{ext:pg_trgm}}.<->) qw.w) AS sim
FROM kb_word w
ORDER BY w.word OPERATOR({{ext:pg_trgm}}.<->) qw.w
LIMIT 8
