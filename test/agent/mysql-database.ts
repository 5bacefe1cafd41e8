/** A scratch MariaDB/MySQL database per test file on the local server (root, no password). */
import mysql from 'mysql2/promise';

export const mysqlServer = process.env.PGAUTOMATOR_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface MysqlDatabase {
  name: string;
  /** mysql://root@host:port/name */
  url: string;
  query(sql: string): Promise<unknown>;
  drop(): Promise<void>;
}

export async function createMysqlDatabase(label: string): Promise<MysqlDatabase> {
  const name = `pgat_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await mysql.createConnection({ uri: mysqlServer, multipleStatements: true });
  await admin.query(`CREATE DATABASE \`${name}\`; USE \`${name}\``);
  return {
    name,
    url: `${mysqlServer}/${name}`,
    query: async (sql) => (await admin.query(sql))[0],
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
