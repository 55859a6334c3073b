-- The lexemes of a document's chunks into kb_word (the trigram method's vocabulary). In word order,
-- so two documents ingested at once take their row locks in the same order and cannot deadlock.
INSERT INTO kb_word (word)
SELECT DISTINCT l FROM kb_chunk, unnest(tsvector_to_array(tsv)) AS l
WHERE doc_id = $1
ORDER BY l
ON CONFLICT DO NOTHING
