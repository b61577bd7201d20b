-- Core: a file replaces the years it covers.
MERGE core.fact_pib AS t
USING (SELECT year, municipio, pib_brl, file_sha256 FROM staging_pib WHERE municipio IS NOT NULL) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.year IN UNNEST(@years) THEN DELETE
WHEN NOT MATCHED THEN INSERT (year, municipio, pib_brl, file_sha256) VALUES (s.year, s.municipio, s.pib_brl, s.file_sha256);
