-- Core: a file replaces the years it covers.
DELETE FROM core.fact_pib WHERE year IN (SELECT year FROM load_scope);
DELETE FROM landing.pib WHERE year IN (SELECT year FROM load_scope) AND file_sha256 <> $file_sha256;
INSERT INTO core.fact_pib
SELECT year, municipio, pib_brl, file_sha256 FROM staging.pib
WHERE file_sha256 = $file_sha256 AND municipio IS NOT NULL
ORDER BY year, municipio;
