-- Core: a file replaces the cells of its kind and file competência.
-- (@periods must hold the months the replaced cells touched as well.)
MERGE core.fact_caged AS t
USING staging_caged AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.kind = @kind AND t.file_competencia = @file_competencia AND t.month IN UNNEST(@periods) THEN DELETE
WHEN NOT MATCHED THEN INSERT (kind, file_competencia, month, municipio, municipio6, cnae_section, admissions, separations, movements, file_sha256)
  VALUES (s.kind, s.file_competencia, s.month, s.municipio, s.municipio6, s.cnae_section, s.admissions, s.separations, s.movements, s.file_sha256);
