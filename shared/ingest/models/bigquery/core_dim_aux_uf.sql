-- Core: UFs and pseudo-UFs from UF.csv. A full snapshot: it replaces the dimension.
-- (A MERGE, not CREATE OR REPLACE: it runs inside the load's transaction.)
MERGE core.dim_comex_uf AS t
USING (
  SELECT co_uf AS uf_code, UPPER(TRIM(sg_uf)) AS uf, no_uf AS uf_nome, no_regiao AS region_comex
  FROM landing.comex_aux_uf
  WHERE file_sha256 = @file_sha256 AND _PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE THEN DELETE
WHEN NOT MATCHED THEN INSERT (uf_code, uf, uf_nome, region_comex) VALUES (s.uf_code, s.uf, s.uf_nome, s.region_comex);
