/* global db, print -- mongosh's own */
// Runs once, when the MongoDB data directory is first initialised (the image's
// /docker-entrypoint-initdb.d, through mongosh as the root user): one user per service that
// keeps its data in MongoDB, created in the service's database, of the same name, with
// readWrite on that database only: documents' user cannot read expedientes' read models.
// Shared by docker-compose.yml and the Helm chart.
//   MONGODB_DATABASES            the databases (and users), e.g. "expedientes documents"
//   <DATABASE>_MONGODB_PASSWORD  each user's password (EXPEDIENTES_MONGODB_PASSWORD, ...)
const databases = (process.env.MONGODB_DATABASES || '').split(/\s+/).filter(Boolean);
if (databases.length === 0) throw new Error('create-users: MONGODB_DATABASES is required');
for (const name of databases) {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`create-users: bad database name ${name}`);
  const variable = `${name.toUpperCase()}_MONGODB_PASSWORD`;
  const pwd = process.env[variable];
  if (!pwd) throw new Error(`create-users: ${variable} is required (the ${name} user's password)`);
  const database = db.getSiblingDB(name);
  if (database.getUser(name)) {
    database.updateUser(name, { pwd, roles: [{ role: 'readWrite', db: name }] });
  } else {
    database.createUser({ user: name, pwd, roles: [{ role: 'readWrite', db: name }] });
  }
  print(`create-users: ${name}, readWrite on ${name} only`);
}
