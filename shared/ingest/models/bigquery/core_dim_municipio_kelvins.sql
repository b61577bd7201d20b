-- Core: kelvins adds or renames municipalities and sets the capital flag,
-- keeping the regions a DTB load gave.
MERGE core.dim_municipio AS t
USING (SELECT * FROM staging_ibge_kelvins WHERE file_sha256 = @file_sha256) AS s
ON t.municipio = s.municipio
WHEN MATCHED THEN UPDATE SET municipio_nome = s.municipio_nome, uf = s.uf, uf_code = s.uf_code, uf_nome = s.uf_nome,
  region = s.region, capital = s.capital
WHEN NOT MATCHED THEN INSERT (municipio, municipio_nome, uf, uf_code, uf_nome, region, capital)
  VALUES (s.municipio, s.municipio_nome, s.uf, s.uf_code, s.uf_nome, s.region, s.capital);
