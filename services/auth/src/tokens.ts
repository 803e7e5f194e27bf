/** The composition root's service identifiers, one per thing it wires. */
export const TOKENS = {
  logger: Symbol('Logger'),
  clock: Symbol('Clock'),
  database: Symbol('SqlDatabase'),
  keys: Symbol('ProviderKeys'),
  usuarios: Symbol('UsuarioRepository'),
  hasher: Symbol('PasswordHasher'),
  oidcStorage: Symbol('SqlOidcStorage'),
  createUser: Symbol('CreateUserHandler'),
  assignRoles: Symbol('AssignRolesHandler'),
  setUserEnabled: Symbol('SetUserEnabledHandler'),
  authenticate: Symbol('AuthenticateHandler'),
  listUsers: Symbol('ListUsersQuery'),
  findActiveUser: Symbol('FindActiveUserQuery'),
  bootstrapFirstAdmin: Symbol('BootstrapFirstAdminHandler'),
  authorizationServer: Symbol('AuthorizationServer'),
  api: Symbol('UsersApi'),
} as const;
