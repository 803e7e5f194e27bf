/** What a user may do in the platform; the services check these names in the token's `roles`. */
export const ROLES = ['tramitador', 'validador', 'admin'] as const;

export type Rol = (typeof ROLES)[number];

export const esRol = (value: string): value is Rol => (ROLES as readonly string[]).includes(value);
