-- Core: a file replaces its year's rows of the same report.
MERGE core.fact_siconfi AS t
USING staging_siconfi AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.year = @year AND t.report = @report THEN DELETE
WHEN NOT MATCHED THEN INSERT (year, report, municipio, cod_ibge, poder, coluna, conta, account, value, is_percent, file_sha256, line)
  VALUES (s.year, s.report, s.municipio, s.cod_ibge, s.poder, s.coluna, s.conta, s.account, s.value, s.is_percent, s.file_sha256, s.line);
