DELETE FROM kb_chunk WHERE doc_id = $1
