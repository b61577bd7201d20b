-- Core: a file replaces its year's rows of the same report.
DELETE FROM core.fact_siconfi WHERE year = $year AND report = $report;
DELETE FROM landing.siconfi WHERE exercicio = $year AND report = $report AND file_sha256 <> $file_sha256;
INSERT INTO core.fact_siconfi (year, report, municipio, cod_ibge, poder, coluna, conta, account, value, is_percent, file_sha256, line)
SELECT year, report, municipio, cod_ibge, poder, coluna, conta, account, value, is_percent, file_sha256, line
FROM staging.siconfi
WHERE file_sha256 = $file_sha256
ORDER BY year, municipio, account, coluna;
