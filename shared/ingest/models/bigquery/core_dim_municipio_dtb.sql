-- Core: the DTB is a full snapshot; it replaces the territorial table.
MERGE core.dim_municipio AS t
USING (SELECT * FROM staging_ibge_dtb WHERE file_sha256 = @file_sha256) AS s
ON t.municipio = s.municipio
WHEN MATCHED THEN UPDATE SET municipio_nome = s.municipio_nome, uf = s.uf, uf_code = s.uf_code, uf_nome = s.uf_nome,
  region = s.region, regiao_imediata = s.regiao_imediata, regiao_imediata_nome = s.regiao_imediata_nome,
  regiao_intermediaria = s.regiao_intermediaria, regiao_intermediaria_nome = s.regiao_intermediaria_nome, capital = s.capital
WHEN NOT MATCHED BY TARGET THEN INSERT (municipio, municipio_nome, uf, uf_code, uf_nome, region, regiao_imediata,
  regiao_imediata_nome, regiao_intermediaria, regiao_intermediaria_nome, capital)
  VALUES (s.municipio, s.municipio_nome, s.uf, s.uf_code, s.uf_nome, s.region, s.regiao_imediata, s.regiao_imediata_nome,
  s.regiao_intermediaria, s.regiao_intermediaria_nome, s.capital)
WHEN NOT MATCHED BY SOURCE THEN DELETE;
