-- Core: the normalised names this load brings (source 'dtb').
DELETE FROM core.municipio_name WHERE source = 'dtb';
INSERT INTO core.municipio_name (uf, name_key, municipio, source)
SELECT uf, name_key, municipio, 'dtb' FROM staging.ibge_dtb WHERE file_sha256 = $file_sha256;
