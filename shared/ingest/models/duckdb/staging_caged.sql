-- Staging: 6-digit municipality codes completed to IBGE's 7 through the
-- territorial table. NULL when none matches, which refuses the file
-- (checkCAGEDMapped); the layout's "no municipality" codes (999999,
-- <uf>9999) are counted as skipped and never landed.
CREATE OR REPLACE VIEW staging.caged AS
SELECT l.file_sha256, l.line, l.kind, l.file_competencia, l.competencia_mov AS month,
       d.municipio, l.municipio6, l.secao AS cnae_section, l.admissions, l.separations, l.movements
FROM landing.caged l
LEFT JOIN core.dim_municipio d ON left(d.municipio, 6) = l.municipio6;
