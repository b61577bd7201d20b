-- Core: customs units from URF.csv. A full snapshot: it replaces the dimension.
-- (A MERGE, not CREATE OR REPLACE: it runs inside the load's transaction.)
MERGE core.dim_urf AS t
USING (
  SELECT co_urf AS urf, no_urf AS urf_name
  FROM landing.comex_aux_urf
  WHERE file_sha256 = @file_sha256 AND _PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE THEN DELETE
WHEN NOT MATCHED THEN INSERT (urf, urf_name) VALUES (s.urf, s.urf_name);
