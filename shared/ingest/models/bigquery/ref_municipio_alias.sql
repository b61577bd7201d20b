-- Reference: former or variant municipality names that sources still use,
-- as facts (name_key is the name normalised like delim.Name).
MERGE core.municipio_name AS t
USING (
  SELECT * FROM UNNEST([
    STRUCT('MG' AS uf, 'barao_do_monte_alto' AS name_key, '3105509' AS municipio),
    STRUCT('MT' AS uf, 'santo_antonio_de_leverger' AS name_key, '5107800' AS municipio),
    STRUCT('SE' AS uf, 'graccho_cardoso' AS name_key, '2802601' AS municipio)
  ])
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.source = 'alias' THEN DELETE
WHEN NOT MATCHED THEN INSERT (uf, name_key, municipio, source) VALUES (s.uf, s.name_key, s.municipio, 'alias');
