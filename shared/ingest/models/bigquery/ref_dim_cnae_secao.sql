-- Reference: the 21 sections of CNAE 2.0 (IBGE/CONCLA).
CREATE TABLE IF NOT EXISTS core.dim_cnae_secao AS
SELECT * FROM UNNEST([
  STRUCT('A' AS cnae_section, 'Agricultura, pecuária, produção florestal, pesca e aquicultura' AS cnae_section_name),
  STRUCT('B' AS cnae_section, 'Indústrias extrativas' AS cnae_section_name),
  STRUCT('C' AS cnae_section, 'Indústrias de transformação' AS cnae_section_name),
  STRUCT('D' AS cnae_section, 'Eletricidade e gás' AS cnae_section_name),
  STRUCT('E' AS cnae_section, 'Água, esgoto, atividades de gestão de resíduos e descontaminação' AS cnae_section_name),
  STRUCT('F' AS cnae_section, 'Construção' AS cnae_section_name),
  STRUCT('G' AS cnae_section, 'Comércio; reparação de veículos automotores e motocicletas' AS cnae_section_name),
  STRUCT('H' AS cnae_section, 'Transporte, armazenagem e correio' AS cnae_section_name),
  STRUCT('I' AS cnae_section, 'Alojamento e alimentação' AS cnae_section_name),
  STRUCT('J' AS cnae_section, 'Informação e comunicação' AS cnae_section_name),
  STRUCT('K' AS cnae_section, 'Atividades financeiras, de seguros e serviços relacionados' AS cnae_section_name),
  STRUCT('L' AS cnae_section, 'Atividades imobiliárias' AS cnae_section_name),
  STRUCT('M' AS cnae_section, 'Atividades profissionais, científicas e técnicas' AS cnae_section_name),
  STRUCT('N' AS cnae_section, 'Atividades administrativas e serviços complementares' AS cnae_section_name),
  STRUCT('O' AS cnae_section, 'Administração pública, defesa e seguridade social' AS cnae_section_name),
  STRUCT('P' AS cnae_section, 'Educação' AS cnae_section_name),
  STRUCT('Q' AS cnae_section, 'Saúde humana e serviços sociais' AS cnae_section_name),
  STRUCT('R' AS cnae_section, 'Artes, cultura, esporte e recreação' AS cnae_section_name),
  STRUCT('S' AS cnae_section, 'Outras atividades de serviços' AS cnae_section_name),
  STRUCT('T' AS cnae_section, 'Serviços domésticos' AS cnae_section_name),
  STRUCT('U' AS cnae_section, 'Organismos internacionais e outras instituições extraterritoriais' AS cnae_section_name)
]);
