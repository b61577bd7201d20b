-- Core: the file replaces the months of its berthings; landing keeps only
-- the rows in effect.
DELETE FROM core.fact_antaq_carga WHERE month IN (SELECT period FROM load_scope);
DELETE FROM landing.antaq_carga c USING landing.antaq_atracacao a
WHERE a.file_sha256 = c.file_sha256 AND a.id_atracacao = c.id_atracacao
  AND a.file_sha256 <> $file_sha256 AND a.month IN (SELECT period FROM load_scope);
DELETE FROM landing.antaq_atracacao WHERE file_sha256 <> $file_sha256 AND month IN (SELECT period FROM load_scope);
INSERT INTO core.fact_antaq_carga
SELECT month, id_atracacao, id_carga, port, uf, nav_type, cargo_nature, direction, tonnes, teu, handled,
       handled AND direction IS NOT NULL
         AND row_number() OVER (PARTITION BY id_atracacao
                                ORDER BY (handled AND direction IS NOT NULL) DESC, tonnes DESC, id_carga) = 1,
       file_sha256
FROM staging.antaq_carga
WHERE file_sha256 = $file_sha256
ORDER BY month, port, uf;
