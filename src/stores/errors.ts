/** Errors as the screens show them (storage full included). */
export { describeError } from '@/db/storageErrors';
