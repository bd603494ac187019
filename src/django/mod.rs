//! Django's logged-in user and CSRF protection at the edge:
//! `django.contrib.auth`'s session protocol ([`auth`]) and
//! `django.middleware.csrf` ([`csrf`]), exact to Django 5.2, with the
//! request parsing they need ([`http`], [`form`]) and the few CPython
//! behaviours they lean on ([`python`]).
//!
//! | module | Django |
//! |---|---|
//! | [`auth`] | `contrib.auth.get_user` / `login` / `logout` / `update_session_auth_hash`, `AbstractBaseUser.get_session_auth_hash`, `ModelBackend.get_user` |
//! | [`csrf`] | `middleware.csrf`: `CsrfViewMiddleware`, `get_token`, `rotate_token` |
//! | [`http`] | `HttpRequest.META`, `get_host`, `get_port`, `is_secure`, `utils.http.is_same_domain`, `parse_header_parameters`, `urllib.parse.urlsplit` |
//! | [`form`] | `request.POST`: `QueryDict` and `MultiPartParser` for simple fields |
//! | [`options`] | the camelCase options of the JS `csrfProtect`, one row per `CSRF_*` setting |
//!
//! One default differs from Django's: `ALLOWED_HOSTS` is `["*"]` rather
//! than `[]` (with which Django refuses every request once `DEBUG` is off,
//! so no deployment runs with it); set it to your site's list to have the
//! Origin and Referer checks compare against validated hosts only.
//!
//! Django's exceptions (a `ValidationError` for a user id that is not an
//! integer, a `MultiPartParserError` for a broken form, ...) are
//! [`crate::Error::Django`], named after Django's class.

pub mod auth;
pub mod python;
// The CSRF middleware and the request parsing it needs (the `csrf` feature).
#[cfg(feature = "csrf")]
pub mod csrf;
#[cfg(feature = "csrf")]
pub mod form;
#[cfg(feature = "csrf")]
pub mod http;
#[cfg(feature = "csrf")]
pub mod options;
