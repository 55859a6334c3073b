SELECT chunk_idx AS idx, heading, content FROM kb_chunk WHERE doc_id = $1 ORDER BY chunk_idx
