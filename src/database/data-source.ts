import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';

/** The data source of `npm run migration:*` (TypeORM CLI). */
export default new DataSource(dataSourceOptions(loadConfig().databaseUrl));
