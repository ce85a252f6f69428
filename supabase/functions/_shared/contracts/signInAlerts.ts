/** A warning of repeated failed sign-ins, about one account or one origin, as notify's sign-in-alerts answers it and the School page shows it. */
export interface SignInAlert {
  id: string;
  kind: 'account' | 'origin';
  account: { email: string | null; fullName: string } | null;
  origin: string | null;
  failures: number;
  accounts: number;
  firstAt: string;
  lastAt: string;
  /** When the admins were told; null while nobody has been. */
  notifiedAt: string | null;
  /** A try reached no admin (no phone or address, or the provider refused); it is tried again. */
  notReached: boolean;
}
