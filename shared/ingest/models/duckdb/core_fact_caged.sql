-- Core: a file replaces the cells of its kind and file competência. The
-- months those cells touched before join the scope, so the mart is rebuilt
-- for them too.
INSERT INTO load_scope
SELECT DISTINCT month, year(month) FROM core.fact_caged
WHERE kind = $kind AND file_competencia = $file_competencia AND month NOT IN (SELECT period FROM load_scope);
DELETE FROM core.fact_caged WHERE kind = $kind AND file_competencia = $file_competencia;
DELETE FROM landing.caged WHERE kind = $kind AND file_competencia = $file_competencia AND file_sha256 <> $file_sha256;
INSERT INTO core.fact_caged
SELECT kind, file_competencia, month, municipio, municipio6, cnae_section, admissions, separations, movements, file_sha256
FROM staging.caged
WHERE file_sha256 = $file_sha256
ORDER BY month, municipio, cnae_section;
