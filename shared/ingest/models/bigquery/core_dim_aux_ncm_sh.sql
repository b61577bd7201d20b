-- Core: HS names from NCM_SH.csv. A full snapshot: it replaces the dimension.
-- (A MERGE, not CREATE OR REPLACE: it runs inside the load's transaction.)
MERGE core.dim_sh AS t
USING (
  SELECT co_sh6 AS sh6, no_sh6_por AS sh6_name, co_sh4 AS sh4, no_sh4_por AS sh4_name, co_sh2 AS sh2, no_sh2_por AS sh2_name
  FROM landing.comex_aux_ncm_sh
  WHERE file_sha256 = @file_sha256 AND _PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE THEN DELETE
WHEN NOT MATCHED THEN INSERT (sh6, sh6_name, sh4, sh4_name, sh2, sh2_name) VALUES (s.sh6, s.sh6_name, s.sh4, s.sh4_name, s.sh2, s.sh2_name);
