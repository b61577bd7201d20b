-- Core: kelvins adds or renames municipalities and sets the capital flag,
-- keeping the regions a DTB load gave.
INSERT OR REPLACE INTO core.dim_municipio (municipio, municipio_nome, uf, uf_code, uf_nome, region, regiao_imediata,
  regiao_imediata_nome, regiao_intermediaria, regiao_intermediaria_nome, capital)
SELECT s.municipio, s.municipio_nome, s.uf, s.uf_code, s.uf_nome, s.region, d.regiao_imediata, d.regiao_imediata_nome,
       d.regiao_intermediaria, d.regiao_intermediaria_nome, s.capital
FROM staging.ibge_kelvins s
LEFT JOIN core.dim_municipio d ON d.municipio = s.municipio
WHERE s.file_sha256 = $file_sha256
ORDER BY s.municipio;
