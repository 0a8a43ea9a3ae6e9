export * from './erasure-participant';
