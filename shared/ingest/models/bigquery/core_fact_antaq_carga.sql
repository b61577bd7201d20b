-- Core: the file replaces the months of its berthings.
MERGE core.fact_antaq_carga AS t
USING (
  SELECT month, id_atracacao, id_carga, port, uf, nav_type, cargo_nature, direction, tonnes, teu, handled,
         handled AND direction IS NOT NULL
           AND ROW_NUMBER() OVER (PARTITION BY id_atracacao
                                  ORDER BY (handled AND direction IS NOT NULL) DESC, tonnes DESC, id_carga) = 1 AS is_primary,
         file_sha256
  FROM staging_antaq_carga
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.month IN UNNEST(@periods) THEN DELETE
WHEN NOT MATCHED THEN INSERT (month, id_atracacao, id_carga, port, uf, nav_type, cargo_nature, direction, tonnes, teu, handled, is_primary, file_sha256)
  VALUES (s.month, s.id_atracacao, s.id_carga, s.port, s.uf, s.nav_type, s.cargo_nature, s.direction, s.tonnes, s.teu, s.handled, s.is_primary, s.file_sha256);
