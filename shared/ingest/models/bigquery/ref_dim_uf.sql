-- Reference: the 27 federation units as IBGE fixes them (code, letters,
-- name, region, capital) and the UF prefix Comex Stat's CO_MUN uses.
-- The Go twin is shared/territory (all but secex_code); a test keeps them equal.
CREATE TABLE IF NOT EXISTS core.dim_uf AS
SELECT * FROM UNNEST([
  STRUCT('11' AS uf_code, 'RO' AS uf, 'Rondônia' AS uf_nome, 'Norte' AS region, '1100205' AS capital, '11' AS secex_code),
  STRUCT('12' AS uf_code, 'AC' AS uf, 'Acre' AS uf_nome, 'Norte' AS region, '1200401' AS capital, '12' AS secex_code),
  STRUCT('13' AS uf_code, 'AM' AS uf, 'Amazonas' AS uf_nome, 'Norte' AS region, '1302603' AS capital, '13' AS secex_code),
  STRUCT('14' AS uf_code, 'RR' AS uf, 'Roraima' AS uf_nome, 'Norte' AS region, '1400100' AS capital, '14' AS secex_code),
  STRUCT('15' AS uf_code, 'PA' AS uf, 'Pará' AS uf_nome, 'Norte' AS region, '1501402' AS capital, '15' AS secex_code),
  STRUCT('16' AS uf_code, 'AP' AS uf, 'Amapá' AS uf_nome, 'Norte' AS region, '1600303' AS capital, '16' AS secex_code),
  STRUCT('17' AS uf_code, 'TO' AS uf, 'Tocantins' AS uf_nome, 'Norte' AS region, '1721000' AS capital, '17' AS secex_code),
  STRUCT('21' AS uf_code, 'MA' AS uf, 'Maranhão' AS uf_nome, 'Nordeste' AS region, '2111300' AS capital, '21' AS secex_code),
  STRUCT('22' AS uf_code, 'PI' AS uf, 'Piauí' AS uf_nome, 'Nordeste' AS region, '2211001' AS capital, '22' AS secex_code),
  STRUCT('23' AS uf_code, 'CE' AS uf, 'Ceará' AS uf_nome, 'Nordeste' AS region, '2304400' AS capital, '23' AS secex_code),
  STRUCT('24' AS uf_code, 'RN' AS uf, 'Rio Grande do Norte' AS uf_nome, 'Nordeste' AS region, '2408102' AS capital, '24' AS secex_code),
  STRUCT('25' AS uf_code, 'PB' AS uf, 'Paraíba' AS uf_nome, 'Nordeste' AS region, '2507507' AS capital, '25' AS secex_code),
  STRUCT('26' AS uf_code, 'PE' AS uf, 'Pernambuco' AS uf_nome, 'Nordeste' AS region, '2611606' AS capital, '26' AS secex_code),
  STRUCT('27' AS uf_code, 'AL' AS uf, 'Alagoas' AS uf_nome, 'Nordeste' AS region, '2704302' AS capital, '27' AS secex_code),
  STRUCT('28' AS uf_code, 'SE' AS uf, 'Sergipe' AS uf_nome, 'Nordeste' AS region, '2800308' AS capital, '28' AS secex_code),
  STRUCT('29' AS uf_code, 'BA' AS uf, 'Bahia' AS uf_nome, 'Nordeste' AS region, '2927408' AS capital, '29' AS secex_code),
  STRUCT('31' AS uf_code, 'MG' AS uf, 'Minas Gerais' AS uf_nome, 'Sudeste' AS region, '3106200' AS capital, '31' AS secex_code),
  STRUCT('32' AS uf_code, 'ES' AS uf, 'Espírito Santo' AS uf_nome, 'Sudeste' AS region, '3205309' AS capital, '32' AS secex_code),
  STRUCT('33' AS uf_code, 'RJ' AS uf, 'Rio de Janeiro' AS uf_nome, 'Sudeste' AS region, '3304557' AS capital, '33' AS secex_code),
  STRUCT('35' AS uf_code, 'SP' AS uf, 'São Paulo' AS uf_nome, 'Sudeste' AS region, '3550308' AS capital, '34' AS secex_code),
  STRUCT('41' AS uf_code, 'PR' AS uf, 'Paraná' AS uf_nome, 'Sul' AS region, '4106902' AS capital, '41' AS secex_code),
  STRUCT('42' AS uf_code, 'SC' AS uf, 'Santa Catarina' AS uf_nome, 'Sul' AS region, '4205407' AS capital, '42' AS secex_code),
  STRUCT('43' AS uf_code, 'RS' AS uf, 'Rio Grande do Sul' AS uf_nome, 'Sul' AS region, '4314902' AS capital, '43' AS secex_code),
  STRUCT('50' AS uf_code, 'MS' AS uf, 'Mato Grosso do Sul' AS uf_nome, 'Centro-Oeste' AS region, '5002704' AS capital, '52' AS secex_code),
  STRUCT('51' AS uf_code, 'MT' AS uf, 'Mato Grosso' AS uf_nome, 'Centro-Oeste' AS region, '5103403' AS capital, '51' AS secex_code),
  STRUCT('52' AS uf_code, 'GO' AS uf, 'Goiás' AS uf_nome, 'Centro-Oeste' AS region, '5208707' AS capital, '53' AS secex_code),
  STRUCT('53' AS uf_code, 'DF' AS uf, 'Distrito Federal' AS uf_nome, 'Centro-Oeste' AS region, '5300108' AS capital, '54' AS secex_code)
]);
