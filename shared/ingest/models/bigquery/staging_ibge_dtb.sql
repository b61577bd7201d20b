-- Staging: this file's DTB rows with UF letters, region and capital.
CREATE TEMP TABLE staging_ibge_dtb AS
SELECT l.file_sha256, l.line, l.municipio, l.municipio_nome, u.uf, l.uf_code, l.uf_nome, u.region,
       l.rgime AS regiao_imediata, l.rgime_nome AS regiao_imediata_nome,
       l.rgint AS regiao_intermediaria, l.rgint_nome AS regiao_intermediaria_nome,
       l.municipio = u.capital AS capital, l.name_key
FROM landing.ibge_dtb l
JOIN core.dim_uf u ON u.uf_code = l.uf_code
WHERE l.file_sha256 = @file_sha256 AND l._PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
