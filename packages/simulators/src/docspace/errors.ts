/**
 * The exceptions DocSpace's `CustomExceptionHandler` knows, each with the status and body it
 * produces. Handlers throw these; the app's error handler writes the envelope.
 */
export type ExceptionKind =
  | 'ItemNotFound'
  | 'Argument'
  | 'Security'
  | 'InvalidOperation'
  | 'TenantQuota'
  | 'NotSupported'
  | 'Authentication'
  | 'Internal';

const EXCEPTIONS: Record<ExceptionKind, { status: number; type: string; hresult: number }> = {
  ItemNotFound: { status: 404, type: 'ASC.Common.Web.ItemNotFoundException', hresult: -2146233088 },
  Argument: { status: 400, type: 'System.ArgumentException', hresult: -2147024809 },
  // The server discards a security exception's own text and always says "Access denied".
  Security: { status: 403, type: 'System.Security.SecurityException', hresult: -2146233078 },
  InvalidOperation: { status: 403, type: 'System.InvalidOperationException', hresult: -2146233079 },
  TenantQuota: { status: 402, type: 'ASC.Core.Tenants.TenantQuotaException', hresult: -2146233088 },
  NotSupported: { status: 415, type: 'System.NotSupportedException', hresult: -2146233067 },
  // Written without type, stack or hresult (`CustomExceptionHandler`: withStackTrace = false).
  Authentication: { status: 401, type: 'System.Security.Authentication.AuthenticationException', hresult: 0 },
  Internal: { status: 500, type: 'System.Exception', hresult: -2146233088 },
};

export class DocspaceException extends Error {
  readonly kind: ExceptionKind;
  readonly statusCode: number;
  readonly type: string;
  readonly hresult: number;

  constructor(kind: ExceptionKind, message: string, type?: string) {
    super(kind === 'Security' ? 'Access denied' : message);
    const meta = EXCEPTIONS[kind];
    this.kind = kind;
    this.statusCode = meta.status;
    this.type = type ?? meta.type;
    this.hresult = meta.hresult;
  }
}

export const notFound = (message = 'Folder not found') => new DocspaceException('ItemNotFound', message);
export const accessDenied = () => new DocspaceException('Security', 'Access denied');
export const invalidOperation = (message: string) => new DocspaceException('InvalidOperation', message);
export const argumentError = (message: string, type?: string) => new DocspaceException('Argument', message, type);

export const ROLE_NOT_AVAILABLE = 'The role is not available for this user type';
export const ARCHIVED_ROOM = 'You cannot edit archived rooms';
export const PARENT_NOT_FOUND = 'The required folder was not found';
export const NO_CREATE_PERMISSION = "You don't have enough permission to create";
/** `FilesCommonResource` texts, quoted from `products/ASC.Files/Core/Resources/FilesCommonResource.resx`. */
export const EDIT_ROOM_DENIED = "You don't have permission to edit the room";
export const RENAME_FOLDER_DENIED = "You don't have enough permission to rename the folder";
export const DELETE_FOLDER_DENIED = "You don't have enough permission to delete the folder";
export const MAX_LINKS = (n: number) => `The maximum number of links may not exceed ${n}`;
/** `Resource.RoomQuotaGreaterPortalError` (`web/ASC.Web.Core/PublicResources/Resource.resx`). */
export const QUOTA_TOO_LARGE =
  'Failed to set quota per room. The entered value is greater than the total DocSpace storage.';
/** What .NET's `ArgumentException.ThrowIfNullOrEmpty(x)` says for an empty string. */
export const emptyArgument = (param: string) =>
  argumentError(`The value cannot be an empty string. (Parameter '${param}')`);
/** What `ArgumentNullException.ThrowIfNull(x)` / `new ArgumentNullException(nameof(x))` says. */
export const nullArgument = (param: string) =>
  argumentError(`Value cannot be null. (Parameter '${param}')`, 'System.ArgumentNullException');

/**
 * ASP.NET's model validation failure (`ValidationProblemDetails`), which DocSpace wraps in its
 * success envelope with `status: 1`.
 */
export class ValidationFailure extends Error {
  readonly errors: Record<string, string[]>;
  constructor(errors: Record<string, string[]>) {
    super('One or more validation errors occurred.');
    this.errors = errors;
  }
}

export const required = (field: string) => new ValidationFailure({ [field]: [`The ${field} field is required.`] });
export const tooLong = (field: string, max: number) =>
  new ValidationFailure({ [field]: [`The field ${field} must be a string with a maximum length of ${max}.`] });
export const notConvertible = (jsonPath: string, type: string) =>
  new ValidationFailure({
    [jsonPath]: [
      `The JSON value could not be converted to ${type}. Path: ${jsonPath} | LineNumber: 0 | BytePositionInLine: 0.`,
    ],
  });
export const emptyBody = () => new ValidationFailure({ '': ['A non-empty request body is required.'] });

/** `{status: 1, statusCode, error: {...}}`: no `response`, no `links`, nulls kept. */
export function errorBody(err: DocspaceException): Record<string, unknown> {
  return {
    status: 1,
    statusCode: err.statusCode,
    error:
      err.kind === 'Authentication'
        ? // `CommonApiError.FromException` with withStackTrace false; the error body keeps nulls.
          { message: err.message, type: null, stack: null, hresult: 0 }
        : {
            message: err.message,
            type: err.type,
            stack: `   at ASC.Files.Core.FileStorageService (simulated)`,
            hresult: err.hresult,
          },
  };
}
