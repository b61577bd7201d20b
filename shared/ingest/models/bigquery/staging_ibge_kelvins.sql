-- Staging: this file's kelvins rows with UF letters and region.
CREATE TEMP TABLE staging_ibge_kelvins AS
SELECT l.file_sha256, l.line, l.municipio, l.municipio_nome, u.uf, l.uf_code, u.uf_nome, u.region, l.capital, l.name_key
FROM landing.ibge_kelvins l
JOIN core.dim_uf u ON u.uf_code = l.uf_code
WHERE l.file_sha256 = @file_sha256 AND l._PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
