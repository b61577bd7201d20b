-- Core: the normalised names this load brings (source 'kelvins').
DELETE FROM core.municipio_name WHERE source = 'kelvins';
INSERT INTO core.municipio_name (uf, name_key, municipio, source)
SELECT uf, name_key, municipio, 'kelvins' FROM staging.ibge_kelvins WHERE file_sha256 = $file_sha256;
