-- Staging: this file's cargo lines with their berthing's month, port and UF.
CREATE TEMP TABLE staging_antaq_carga AS
SELECT c.file_sha256, c.line, a.month, c.id_atracacao, c.id_carga, TRIM(a.porto) AS port, a.sguf AS uf,
       c.nav_type, c.cargo_nature, c.direction, c.peso_bruto AS tonnes, c.teu, c.flag_mc = 1 AS handled
FROM landing.antaq_carga c
JOIN landing.antaq_atracacao a ON a.file_sha256 = c.file_sha256 AND a.id_atracacao = c.id_atracacao
WHERE c.file_sha256 = @file_sha256 AND c._PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY) AND a._PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
