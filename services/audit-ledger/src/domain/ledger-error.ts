// The audit ledger's error codes (STYLE.md convention 4); the platform maps kinds to gRPC status.
import { defineDomainError, ErrorKind } from '@cairn/platform';

export enum LedgerErrorCode {
  LeafNotFound = 'LEDGER_LEAF_NOT_FOUND',
  NoTreeHead = 'LEDGER_NO_TREE_HEAD',
  InvalidTreeSize = 'LEDGER_INVALID_TREE_SIZE',
  InvalidLeafSelector = 'LEDGER_INVALID_LEAF_SELECTOR',
  InvalidNhsNumber = 'LEDGER_INVALID_NHS_NUMBER',
  OrganisationNotPermitted = 'LEDGER_ORGANISATION_NOT_PERMITTED',
  InvalidPageToken = 'LEDGER_INVALID_PAGE_TOKEN',
  InvalidErasureOrder = 'LEDGER_INVALID_ERASURE_ORDER',
}

export const LedgerError = defineDomainError<LedgerErrorCode>('LedgerError', {
  [LedgerErrorCode.LeafNotFound]: ErrorKind.NotFound,
  [LedgerErrorCode.NoTreeHead]: ErrorKind.NotFound,
  [LedgerErrorCode.InvalidTreeSize]: ErrorKind.InvalidArgument,
  [LedgerErrorCode.InvalidLeafSelector]: ErrorKind.InvalidArgument,
  [LedgerErrorCode.InvalidNhsNumber]: ErrorKind.InvalidArgument,
  [LedgerErrorCode.OrganisationNotPermitted]: ErrorKind.PermissionDenied,
  [LedgerErrorCode.InvalidPageToken]: ErrorKind.InvalidArgument,
  [LedgerErrorCode.InvalidErasureOrder]: ErrorKind.InvalidArgument,
});
