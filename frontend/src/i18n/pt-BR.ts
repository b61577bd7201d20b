// Textos em português do Brasil (idioma padrão). Toda chave existe também em en.ts.
import * as builder from './sections/builder';
import * as results from './sections/results';
import * as errors from './sections/errors';
import * as views from './sections/views';
import * as dashboards from './sections/dashboards';
import * as reports from './sections/reports';
import * as admin from './sections/admin';

export const ptBR = {
  app: {
    skip: 'Pular para o conteúdo',
  },
  lang: {
    'pt-BR': 'Português (Brasil)',
    en: 'English',
  },
  nav: {
    main: 'Navegação principal',
    explore: 'Explorar',
    views: 'Visões salvas',
    dashboards: 'Painéis',
    reports: 'Relatórios',
    admin: 'Administração',
  },
  header: {
    org: 'Organização',
    language: 'Idioma',
    signOut: 'Sair',
    signedInAs: 'Conectado como',
  },
  roles: {
    owner: 'proprietário',
    admin: 'administrador',
    analyst: 'analista',
    viewer: 'leitor',
  },
  common: {
    loading: 'Carregando…',
    retry: 'Tentar de novo',
    cancel: 'Cancelar',
    save: 'Salvar',
    delete: 'Excluir',
    close: 'Fechar',
    remove: 'Remover',
    add: 'Adicionar',
    rename: 'Renomear',
    actions: 'Ações',
    loadMore: 'Carregar mais',
    yes: 'Sim',
    no: 'Não',
    home: 'Ir para o início',
  },
  combobox: {
    selected: '{{label}}: valores escolhidos',
    remove: 'Remover {{value}}',
    noOptions: 'Nenhuma opção',
    useTyped: 'Tecle Enter para usar “{{value}}”',
  },
  signin: {
    title: 'Entrar no Mirante',
    intro: 'Painéis sobre dados econômicos públicos do Brasil e os dados da sua organização.',
    email: 'E-mail',
    password: 'Senha',
    submit: 'Entrar',
    submitting: 'Entrando…',
    demoHint: 'Ambiente local: use um usuário de demonstração, por exemplo ana@porto-sul.demo, com a senha mirante-demo.',
    errors: {
      invalid: 'E-mail ou senha incorretos.',
      tooMany: 'Muitas tentativas. Aguarde um pouco e tente de novo.',
      disabled: 'Esta conta está desativada.',
      network: 'Não foi possível falar com o serviço de login. Verifique a conexão.',
      generic: 'Não foi possível entrar. Tente de novo.',
      emailRequired: 'Informe o e-mail.',
      emailInvalid: 'Informe um endereço de e-mail válido.',
      passwordRequired: 'Informe a senha.',
    },
  },
  invite: {
    title: 'Você foi convidado para o Mirante',
    intro: 'Entre, ou crie sua conta, com o endereço de e-mail para o qual este convite foi enviado: só esse endereço pode aceitá-lo.',
    modes: 'Conta',
    haveAccount: 'Já tenho conta',
    newAccount: 'Criar minha conta',
    confirm: 'Repita a senha',
    passwordHint: 'Pelo menos 8 caracteres.',
    createAccount: 'Criar conta',
    forgot: 'Esqueceu a senha, ou nunca criou uma?',
    sendReset: 'Enviar um link para defini-la',
    resetSent: 'Se existir uma conta para {{email}}, um link para definir a senha está a caminho.',
    verificationSent: 'Enviamos um link de verificação para {{email}}. Abra-o e volte aqui.',
    verifyTitle: 'Verifique seu endereço de e-mail',
    verifyBody: 'Antes de entrar, confirme que {{email}} é seu: abra o link de verificação que enviamos para ele e volte aqui.',
    verified: 'Já verifiquei',
    sendVerification: 'Enviar o link de novo',
    stillUnverified: 'O endereço ainda não foi verificado. Abra o link da mensagem (veja também a caixa de spam) e tente de novo.',
    signedInAs: 'Conectado como {{email}}. Aceite para entrar na organização que convidou você.',
    accept: 'Aceitar o convite',
    accepting: 'Entrando…',
    otherAccount: 'Usar outra conta',
    errors: {
      passwordShort: 'Use pelo menos 8 caracteres.',
      passwordMismatch: 'As duas senhas são diferentes.',
      emailInUse: 'Este endereço já tem uma conta: escolha “Já tenho conta” e entre, ou defina a senha com o link abaixo.',
      emailInvalid: 'Informe um endereço de e-mail válido.',
      retry: 'Não foi possível falar com o Mirante. Tente de novo.',
    },
    refusals: {
      invalid: 'Este link de convite não é válido. Confira se abriu o link inteiro.',
      not_found: 'Este link de convite não é válido. Confira se abriu o link inteiro.',
      revoked: 'Este convite foi cancelado. Peça um novo a quem convidou você.',
      used: 'Este convite já foi usado. Se foi você, sua organização está na página inicial.',
      expired: 'Este convite expirou. Peça um novo a quem convidou você.',
      email_mismatch: 'Este convite é para outro endereço de e-mail, e você está conectado como {{email}}. Entre com o endereço para o qual o convite foi enviado.',
      unverified: 'Seu endereço de e-mail ainda não foi verificado.',
      already_member: 'Você já faz parte desta organização ({{email}}).',
      unknown: 'Não foi possível aceitar o convite. Peça um novo a quem convidou você.',
    },
  },
  ...builder.pt,
  ...results.pt,
  ...errors.pt,
  ...views.pt,
  ...dashboards.pt,
  ...reports.pt,
  ...admin.pt,
};

export type Resources = typeof ptBR;
