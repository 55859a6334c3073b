-- A query lexeme's (qw.w) nearest known lexemes by similarity over all of kb_word, without the GiST
-- index. PGlite's form: in PGlite 0.5.16/0.5.17 a statement that follows this LATERAL index-ordered
-- KNN scan in the same process sometimes never returns (the backend spins in errfinish over a
-- circular error-context stack after "portal cannot be run"; ~1 in 10 fresh processes under load,
-- measured 2026-12-03). An embedded knowledge base is small, so a scan of its words costs little.
SELECT w.word, {{ext:pg_trgm}}.similarity(w.word, qw.w) AS sim
FROM kb_word w
WHERE {{ext:pg_trgm}}.similarity(w.word, qw.w) >= $9::real
ORDER BY sim DESC, w.word
LIMIT 8
