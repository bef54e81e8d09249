export * from './list-query';
export * from './page';
export * from './page.interceptor';
export * from './sql-list';
