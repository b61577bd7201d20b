-- Core: the normalised names this load brings (source 'dtb').
MERGE core.municipio_name AS t
USING (SELECT uf, name_key, municipio FROM staging_ibge_dtb WHERE file_sha256 = @file_sha256) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.source = 'dtb' THEN DELETE
WHEN NOT MATCHED THEN INSERT (uf, name_key, municipio, source) VALUES (s.uf, s.name_key, s.municipio, 'dtb');
