# Licita — textos en español (idioma por defecto). Toda clave debe existir también en en/main.ftl.

## Navegación y marco
nav-home = Inicio
nav-dashboard = Mi panel
nav-admin = Administración
nav-audit = Auditoría
nav-account = Mi cuenta
nav-login = Ingresar
nav-logout = Cerrar sesión
nav-label = Navegación principal
skip-to-content = Saltar al contenido
footer-tagline = Licita: compras públicas abiertas, selladas y auditables.
footer-api = Documentación de la API
lang-switch-es = Español
lang-switch-en = English
header-signed-in-as = { $name } ({ $role })
yes = Sí
no = No

## Roles
role-supplier = Proveedor
role-officer = Funcionario de compras
role-auditor = Auditor
role-admin = Administrador

## Páginas de error
error-page-forbidden = Su cuenta no tiene permiso para ver esta página.
error-page-csrf = El formulario caducó o no vino de Licita. Vuelva a la página, recárguela e inténtelo otra vez.
error-page-not-found = No encontramos la página que busca. Revise la dirección.
error-page-bad-request = No pudimos leer lo que envió. Vuelva atrás e inténtelo otra vez.
error-page-too-many = Demasiados intentos. Espere unos minutos e inténtelo otra vez.
error-page-internal = Algo falló de nuestro lado. Ya quedó registrado; inténtelo de nuevo en unos minutos.
error-page-home = Volver al inicio

## Problemas de la API (RFC 9457)
problem-validation = Hay datos que corregir
problem-unauthenticated = Debe iniciar sesión
problem-invalid-credentials = Correo o contraseña incorrectos
problem-forbidden = No tiene permiso
problem-csrf = Falta o no coincide el token CSRF
problem-not-found = No encontrado
problem-conflict = Ya existe
problem-too-many-requests = Demasiados intentos
problem-malformed = Solicitud mal formada
problem-unavailable = Servicio no disponible
problem-internal = Error interno
problem-malformed-detail = El cuerpo de la solicitud no se pudo leer
problem-too-many-requests-detail = Demasiados intentos fallidos. Vuelva a intentarlo en { $minutes } minutos.

## Nombres de campos
field-email = Correo electrónico
field-password = Contraseña
field-display-name = Nombre
field-role = Rol
field-buyer-id = Entidad
field-locale = Idioma
field-name = Nombre de la entidad
field-ruc = RUC
field-token = Enlace de verificación
field-current-password = Contraseña actual
field-new-password = Contraseña nueva
field-chain = Cadena

## Errores de campo
error-summary-title = Hay un problema
error-required = «{ $field }» es obligatorio.
error-too-short = «{ $field }» debe tener al menos { $min } caracteres.
error-too-long = «{ $field }» admite como máximo { $max } caracteres.
error-control-characters = «{ $field }» contiene caracteres no permitidos.
error-invalid-email = «{ $field }» no es una dirección de correo válida.
error-password-too-short = «{ $field }» debe tener al menos { $min } caracteres.
error-password-weak = «{ $field }» es demasiado débil: no repita un solo carácter.
error-invalid-role = «{ $field }» debe ser proveedor, funcionario, auditor o administrador.
error-ruc-digits = «{ $field }» solo puede contener dígitos.
error-ruc-length = «{ $field }» debe tener 11 dígitos (tiene { $length }).
error-ruc-prefix = «{ $field }» debe empezar con 10, 15, 16, 17 o 20.
error-ruc-check-digit = «{ $field }» no es válido: el dígito verificador no coincide.
error-ruc-taken = Ya hay una entidad registrada con ese RUC.
error-email-taken = Ya existe una cuenta con ese correo electrónico.
error-invalid-buyer = «{ $field }» no es una entidad registrada.
error-buyer-required = Un funcionario de compras debe pertenecer a una entidad: elija «{ $field }».
error-buyer-only-for-officers = Solo los funcionarios de compras pertenecen a una entidad: deje «{ $field }» vacío.
error-invalid-locale = «{ $field }» debe ser español (es) o inglés (en).
error-invalid-token = El enlace de verificación no es válido, ya se usó o caducó.
error-wrong-password = «{ $field }» no es correcta.
error-password-unchanged = «{ $field }» debe ser distinta de la actual.
error-invalid-chain = «{ $field }» debe tener la forma tipo:id, por ejemplo user:7.

## Avisos tras una acción
notice-signed-out = Cerró su sesión.
notice-password-changed = Su contraseña cambió. Las demás sesiones abiertas se cerraron.
notice-buyer-created = Entidad registrada.
notice-user-created = Cuenta creada. Se envió un correo para verificar la dirección.
notice-email-verified = Su correo electrónico quedó verificado.

## Inicio
home-title = Compras públicas abiertas a todas las empresas
home-lead = Licita es el mercado electrónico donde las entidades del Estado convocan, las empresas ofertan y cualquier ciudadano puede revisar cada adjudicación.
home-point-sealed = Ofertas selladas con criptografía: nadie las lee antes del plazo.
home-point-audit = Cada cambio queda en un registro encadenado que cualquiera puede verificar.
home-point-open = Convocatorias, actas y contratos públicos, con datos abiertos.
home-point-light = Páginas ligeras que funcionan sin JavaScript, también desde un telecentro.

## Panel
dashboard-title = Mi panel
dashboard-greeting = Hola, { $name }.
dashboard-role-supplier = Como proveedor podrá registrar su empresa y presentar ofertas.
dashboard-role-officer = Como funcionario de compras podrá preparar y publicar procedimientos de su entidad.
dashboard-role-auditor = Como auditor puede revisar todo el registro y verificar su integridad.
dashboard-role-admin = Como administrador gestiona entidades y cuentas de funcionarios y auditores.
dashboard-buyer = Entidad: { $buyer }
dashboard-email-unverified = Aún no verificó su correo electrónico. Use el enlace que le enviamos.

## Ingreso
login-title = Ingresar
login-intro = Ingrese con el correo y la contraseña de su cuenta.
login-submit = Ingresar
login-failed = El correo o la contraseña no son correctos.

## Cuenta
account-title = Mi cuenta
account-buyer = Entidad
account-email-status = Correo verificado
account-email-verified = Sí
account-email-unverified = No, pendiente
account-password-title = Cambiar contraseña
account-password-submit = Cambiar contraseña
hint-password = Entre 10 y 128 caracteres. Una frase fácil de recordar es una buena contraseña.
hint-ruc = 11 dígitos, por ejemplo 20131380951.

## Verificación de correo
verify-title = Verificar correo electrónico
verify-intro = Confirme que esta dirección de correo es suya.
verify-submit = Verificar mi correo

## Auditoría
audit-title = Integridad del registro de auditoría
audit-counts = Se revisaron { $events } eventos en { $chains } cadenas.
audit-intact = El registro está íntegro: todas las cadenas coinciden.
audit-broken = El registro fue alterado: el evento { $id } (cadena { $chain }, posición { $seq }) no coincide: { $reason }.
audit-reason-hash = su contenido cambió
audit-reason-link = no enlaza con el evento anterior
audit-reason-sequence = falta un evento antes de él

## Administración
admin-title = Administración
admin-buyers = Entidades
admin-created = Registrada
admin-new-buyer = Registrar una entidad
admin-create-buyer = Registrar entidad
admin-users = Cuentas
admin-verified = Correo verificado
admin-new-user = Crear una cuenta
admin-create-user = Crear cuenta
admin-no-buyer = (ninguna)

## Correos
email-welcome-subject = Bienvenido a Licita, { $name }: verifique su correo
email-welcome-body =
    Hola, { $name }:

    Se creó para usted una cuenta de { $role } en Licita, el mercado electrónico de compras públicas.

    Para verificar su dirección de correo, abra este enlace (vence en 7 días):
    { $link }

    Si usted no esperaba este mensaje, ignórelo.

    — Licita
