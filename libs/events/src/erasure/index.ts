export * from './erasure-participant';
export * from './erasure-records';
