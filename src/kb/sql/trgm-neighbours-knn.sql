-- A query lexeme's (qw.w) nearest known lexemes by the trigram GiST index's `<->` (1 - similarity),
-- read from the index in distance order. The PostgreSQL server's form; see trgm-neighbours-scan.sql.
SELECT w.word, 1 - (w.word <-> qw.w) AS sim
FROM kb_word w
ORDER BY w.word <-> qw.w
LIMIT 8
