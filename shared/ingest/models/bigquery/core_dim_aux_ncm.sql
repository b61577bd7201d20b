-- Core: NCM names from NCM.csv. A full snapshot: it replaces the dimension.
-- (A MERGE, not CREATE OR REPLACE: it runs inside the load's transaction.)
MERGE core.dim_ncm AS t
USING (
  SELECT co_ncm AS ncm, no_ncm_por AS ncm_name, co_sh6 AS sh6, co_unid AS unid
  FROM landing.comex_aux_ncm
  WHERE file_sha256 = @file_sha256 AND _PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE THEN DELETE
WHEN NOT MATCHED THEN INSERT (ncm, ncm_name, sh6, unid) VALUES (s.ncm, s.ncm_name, s.sh6, s.unid);
