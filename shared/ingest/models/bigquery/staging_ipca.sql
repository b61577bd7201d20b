-- Staging: this file's IPCA observations with a value, month dates on the first day.
CREATE TEMP TABLE staging_ipca AS
SELECT file_sha256, line, variable, DATE_TRUNC(month, MONTH) AS month, value
FROM landing.ipca
WHERE value IS NOT NULL AND file_sha256 = @file_sha256 AND _PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
