-- Staging: this file's cells with 6-digit municipality codes completed to
-- IBGE's 7 through the territorial table (NULL when none matches, which
-- the mapping check after this statement refuses).
CREATE TEMP TABLE staging_caged AS
SELECT l.file_sha256, l.line, l.kind, l.file_competencia, l.competencia_mov AS month,
       d.municipio, l.municipio6, l.secao AS cnae_section, l.admissions, l.separations, l.movements
FROM landing.caged l
LEFT JOIN core.dim_municipio d ON LEFT(d.municipio, 6) = l.municipio6
WHERE l.file_sha256 = @file_sha256 AND l._PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
