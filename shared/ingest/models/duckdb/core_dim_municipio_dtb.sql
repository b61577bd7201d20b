-- Core: the DTB is a full snapshot; it replaces the territorial table.
DELETE FROM core.dim_municipio WHERE municipio NOT IN (SELECT municipio FROM staging.ibge_dtb WHERE file_sha256 = $file_sha256);
INSERT OR REPLACE INTO core.dim_municipio (municipio, municipio_nome, uf, uf_code, uf_nome, region, regiao_imediata,
  regiao_imediata_nome, regiao_intermediaria, regiao_intermediaria_nome, capital)
SELECT municipio, municipio_nome, uf, uf_code, uf_nome, region, regiao_imediata, regiao_imediata_nome,
       regiao_intermediaria, regiao_intermediaria_nome, capital
FROM staging.ibge_dtb
WHERE file_sha256 = $file_sha256
ORDER BY municipio;
