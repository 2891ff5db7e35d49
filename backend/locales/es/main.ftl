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
problem-conflict = En conflicto con lo ya registrado
problem-too-many-requests = Demasiados intentos
problem-malformed = Solicitud mal formada
problem-unavailable = Servicio no disponible
problem-internal = Error interno
unreadable-part-body = el cuerpo de la solicitud
unreadable-part-path = la dirección (ruta)
unreadable-part-query = los parámetros de la dirección
unreadable-part-form = el formulario
unreadable-syntax = No se pudo leer { $part }: no es JSON válido (línea { $line }, columna { $column }).
unreadable-truncated = No se pudo leer { $part }: termina antes de tiempo.
unreadable-content-type = No se pudo leer { $part }: envíelo como application/json.
unreadable-interrupted = No se pudo recibir { $part } completo; vuelva a intentarlo.
unreadable-missing-field = Falta «{ $field }» en { $part }.
unreadable-value-field = «{ $field }» en { $part } no tiene el tipo o la forma esperados.
unreadable-value = No se pudo leer { $part }: un valor no tiene el tipo o la forma esperados.
problem-too-many-requests-detail = Demasiados intentos en poco tiempo. Vuelva a intentarlo en { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}.

## Nombres de campos
field-email = Correo electrónico
field-contact-address = Dirección de la oficina de compras (opcional)
field-contact-district = Distrito (opcional)
field-contact-department = Departamento (opcional)
field-contact-telephone = Teléfono de la oficina de compras (opcional)
hint-contact-address = Se publica con los datos abiertos de sus convocatorias, para que postores y ciudadanos sepan a quién dirigirse.
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
field-after = Después de la publicación
field-since = Desde
field-before = Antes de
field-limit = Cantidad por página
field-chain = Cadena

## Errores de campo
error-summary-title = Hay un problema
error-required = «{ $field }» es obligatorio.
error-too-short = «{ $field }» debe tener al menos { $min } caracteres.
error-too-long = «{ $field }» admite como máximo { $max } caracteres.
error-control-characters = «{ $field }» contiene caracteres no permitidos.
error-invisible-characters = «{ $field }» contiene caracteres invisibles (de ancho cero o que cambian la dirección del texto); escríbalo sin ellos.
error-checkpoint-order = El primer punto de control («from») debe ser anterior o igual al segundo («to»).
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
error-invalid-reset-token = Este enlace para restablecer la contraseña no es válido, ya se usó o caducó (un enlace sirve una hora y solo el más reciente). Pida uno nuevo.
error-invalid-chain = «{ $field }» debe tener la forma tipo:id, por ejemplo user:7.

## Avisos tras una acción
notice-signed-out = Cerró su sesión.
notice-password-changed = Su contraseña cambió. Las demás sesiones abiertas se cerraron.
notice-buyer-created = Entidad registrada.
notice-user-created = Cuenta creada. Se envió un correo para verificar la dirección.
notice-email-verified = Su correo electrónico quedó verificado.
notice-reset-sent = Si una cuenta usa esa dirección, le enviamos un enlace para elegir una contraseña nueva. Sirve durante una hora.
notice-password-reset = Su contraseña cambió y se cerraron todas las sesiones abiertas. Ingrese con la contraseña nueva.

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
dashboard-role-supplier = Como proveedor, desde aquí presenta las ofertas de su empresa y sigue sus resultados.
dashboard-role-officer = Como funcionario de compras podrá preparar y publicar procedimientos de su entidad.
dashboard-role-auditor = Como auditor puede revisar todo el registro y verificar su integridad.
dashboard-role-admin = Como administrador gestiona entidades y cuentas de funcionarios y auditores.
dashboard-role-registry = Como funcionario del registro revisa las inscripciones de empresas y registra sus sanciones.
panel-registrations-all = Todas las inscripciones por revisar ({ $count })
dashboard-buyer = Entidad: { $buyer }
dashboard-email-unverified = Aún no verificó su correo electrónico. Use el enlace que le enviamos.

## Ingreso
login-title = Ingresar
login-intro = Ingrese con el correo y la contraseña de su cuenta.
login-submit = Ingresar
login-failed = El correo o la contraseña no son correctos.
login-forgot = ¿Olvidó su contraseña?
reset-request-title = Restablecer la contraseña
reset-request-intro = Escriba el correo de su cuenta. Si pertenece a una cuenta, le enviaremos un enlace para elegir una contraseña nueva. El enlace sirve durante una hora.
reset-request-submit = Enviarme el enlace
reset-title = Elegir una contraseña nueva
reset-intro = Escriba la contraseña nueva de su cuenta. Se cerrarán todas las sesiones abiertas. Su clave de apertura (de ofertas selladas) no cambia.
reset-submit = Cambiar mi contraseña
reset-request-again = Pedir un enlace nuevo

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
audit-counts = Se { $events ->
    [one] revisó 1 evento
   *[other] revisaron { $events } eventos
} en { $chains ->
    [one] 1 cadena
   *[other] { $chains } cadenas
}.
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
email-reset-subject = Licita: restablezca su contraseña
email-reset-body =
    Hola, { $name }:

    Alguien (probablemente usted) pidió restablecer la contraseña de su cuenta de Licita.

    Para elegir una contraseña nueva, abra este enlace (sirve { $minutes } minutos, una sola vez):
    { $link }

    Si usted no lo pidió, ignore este mensaje: su contraseña no cambia.

    — Licita

email-welcome-subject = Bienvenido a Licita, { $name }: verifique su correo
email-welcome-body =
    Hola, { $name }:

    Se creó para usted una cuenta de { $role } en Licita, el mercado electrónico de compras públicas.

    Para verificar su dirección de correo, abra este enlace (vence en 7 días):
    { $link }

    Si usted no esperaba este mensaje, ignórelo.

    — Licita

## Registro de proveedores — campos
field-legal-name = Razón social
field-trade-name = Nombre comercial
field-legal-form = Forma jurídica
field-department = Departamento
field-province = Provincia
field-district = Distrito
field-address = Dirección
field-contact-email = Correo de contacto
field-contact-phone = Teléfono de contacto
field-categories = Rubros (segmentos UNSPSC)
field-owner-name = Nombre del titular de la cuenta
field-owner-email = Correo del titular de la cuenta
field-owner-password = Contraseña del titular
field-decision = Decisión
field-reason = Motivo o fundamento legal
field-until = Inhabilitado hasta (inclusive)
field-user-id = Usuario
field-category = Rubro
field-q = Palabras
suppliers-q-hint = Razón social, nombre comercial o RUC
tenders-q-hint = Palabras del título o de la descripción, como «computadoras» o «veredas»
field-per-page = Resultados por página

## Registro de proveedores — errores
error-unknown-category = «{ $field }»: el rubro { $code } no existe.
error-invalid-classification-filter = «{ $field }» debe tener 2, 4, 6 u 8 dígitos y empezar por un segmento del catálogo (por ejemplo 43 o 43211507).
error-too-many-categories = «{ $field }»: elija como máximo { $max } rubros.
error-unknown-department = «{ $field }» no es un departamento del Perú.
error-invalid-phone = «{ $field }» no es un teléfono válido (al menos 6 dígitos; se admiten espacios, +, - y paréntesis).
error-unknown-legal-form = «{ $field }» no es una forma jurídica conocida.
error-legal-form-ruc-mismatch = «{ $field }» no corresponde al RUC: los RUC 10, 15 y 17 son de personas naturales y los 20 de personas jurídicas.
error-supplier-ruc-taken = Ya hay una empresa registrada con ese RUC.
error-out-of-range = «{ $field }» está fuera del rango permitido.
error-out-of-range-between = «{ $field }» debe estar entre { $min } y { $max }.
error-invalid-decision = «{ $field }» debe ser verificar, rechazar, suspender, rehabilitar o inhabilitar.
error-date-not-future = «{ $field }» debe ser una fecha posterior a hoy.
error-invalid-date = «{ $field }» debe ser una fecha con el formato AAAA-MM-DD.
error-decision-not-allowed = Esa decisión no procede para un proveedor en estado «{ $status }».
error-owner-email-unverified = El titular aún no verificó su correo; la empresa no puede verificarse todavía.
error-not-an-officer = «{ $field }» debe ser un funcionario de compras.
error-not-a-supplier-account = Esa dirección pertenece a una cuenta que no es de proveedor.
error-already-member = Esa cuenta ya pertenece a una empresa.
error-inviter-email-unverified = Verifique primero su propio correo con el enlace que le enviamos: solo entonces puede invitar a otras personas.
error-invalid-invitation = La invitación no es válida, ya se usó o venció.
error-invitation-for-another-email = La invitación fue enviada a otra dirección de correo.
error-sign-in-to-accept = Ya existe una cuenta con esa dirección: ingrese con ella para aceptar la invitación.
error-cannot-remove-owner = El titular no puede retirarse a sí mismo; primero transfiera la titularidad.
error-already-owner = Esa persona ya es la titular.
error-not-a-member = «{ $field }» no es miembro de la empresa.

## Estados y sanciones
status-pending = Pendiente de revisión
status-verified = Verificado
status-rejected = Rechazado
status-suspended = Suspendido
status-debarred = Inhabilitado
sanction-suspension = Suspensión
sanction-debarment = Inhabilitación
missing-owner-email-unverified = El titular debe verificar su correo electrónico (use el enlace que le enviamos).
missing-pending-review = Un funcionario del registro debe revisar y verificar la empresa.
missing-rejected = La inscripción fue rechazada.
missing-suspended = La empresa está suspendida hasta que sea rehabilitada.
missing-debarred = La empresa está inhabilitada hasta el { $until }.

## Correos del registro
email-supplier-verified-subject = { $legal_name } quedó verificada en Licita
email-supplier-verified-body =
    Hola, { $name }:

    La inscripción de { $legal_name } fue verificada. Ya puede presentar ofertas en Licita.

    — Licita
email-supplier-rejected-subject = La inscripción de { $legal_name } fue rechazada
email-supplier-rejected-body =
    Hola, { $name }:

    La inscripción de { $legal_name } fue rechazada por este motivo:
    { $reason }

    — Licita
email-supplier-suspended-subject = { $legal_name } fue suspendida en Licita
email-supplier-suspended-body =
    Hola, { $name }:

    { $legal_name } fue suspendida y no puede ofertar hasta ser rehabilitada. Motivo:
    { $reason }

    — Licita
email-supplier-reinstated-subject = { $legal_name } fue rehabilitada en Licita
email-supplier-reinstated-body =
    Hola, { $name }:

    { $legal_name } fue rehabilitada y puede volver a ofertar. Motivo:
    { $reason }

    — Licita
email-supplier-debarred-subject = { $legal_name } fue inhabilitada hasta el { $until }
email-supplier-debarred-body =
    Hola, { $name }:

    { $legal_name } fue inhabilitada para contratar con el Estado hasta el { $until } (inclusive). Fundamento legal:
    { $reason }

    La sanción es pública en la lista de proveedores sancionados.

    — Licita
email-ownership-received-subject = Ahora es titular de { $legal_name } en Licita
email-ownership-received-body =
    Hola, { $name }:

    Se le transfirió la titularidad de la cuenta de { $legal_name } en Licita.

    — Licita
email-invitation-subject = { $inviter } le invita a unirse a { $legal_name } en Licita
email-invitation-body =
    Hola:

    { $inviter } le invita a unirse a la cuenta de { $legal_name } en Licita, el mercado electrónico de compras públicas.

    Para aceptar, abra este enlace (vence en 7 días):
    { $link }

    Si no esperaba este mensaje, ignórelo.

    — Licita

## Registro de proveedores — páginas
nav-suppliers = Proveedores
nav-awards = Adjudicaciones
nav-transparency = Transparencia
nav-my-company = Mi empresa
nav-registry = Registro de proveedores
suppliers-title = Directorio de proveedores
suppliers-lead = Empresas inscritas y verificadas en el registro de proveedores. Solo ellas pueden ofertar.
suppliers-search = Buscar
suppliers-all-categories = Todos los rubros
suppliers-none = Ningún proveedor coincide con la búsqueda.
suppliers-count = { $total ->
    [one] 1 proveedor encontrado.
   *[other] { $total } proveedores encontrados.
}
suppliers-status = Estado
suppliers-sanctions-link = Ver proveedores sancionados
suppliers-register-link = Inscribir mi empresa
page-previous = Anterior
page-next = Siguiente
page-of = Página { $page } de { $pages }
page-beyond = La página { $page } no existe: esta lista tiene { $pages ->
    [one] 1 página
   *[other] { $pages } páginas
}.
page-last = Ir a la última página
sanctions-title = Proveedores sancionados
sanctions-lead = Suspensiones e inhabilitaciones vigentes hoy. Mientras dure la sanción, la empresa no puede ofertar.
sanctions-none = No hay sanciones vigentes.
sanctions-kind = Sanción
sanctions-ground = Fundamento
sanctions-from = Desde
sanctions-until = Hasta
sanctions-until-reinstated = Hasta su rehabilitación
register-title = Inscribir una empresa
register-intro = Inscriba su empresa en el registro de proveedores. Un funcionario del registro revisará los datos después de que verifique su correo electrónico.
register-company = Datos de la empresa
register-address = Domicilio
register-contact = Contacto
register-owner = Titular de la cuenta
register-owner-hint = La persona que administrará la cuenta de la empresa en Licita.
register-submit = Inscribir empresa
register-signed-in = Usted ya ingresó con una cuenta. Para inscribir otra empresa, cierre la sesión.
supplier-location = Ubicación
supplier-contact = Contacto
supplier-registered = Inscrita
company-title = Mi empresa
company-can-bid = Su empresa puede presentar ofertas.
company-cannot-bid = Su empresa aún no puede presentar ofertas. Falta:
company-members = Personas de la empresa
company-member-role-owner = Titular
company-member-role-member = Miembro
company-invite = Invitar a una persona
company-invite-submit = Enviar invitación
company-remove = Retirar
company-make-owner = Hacer titular
company-edit-profile = Editar datos de contacto y rubros
company-none = Su cuenta no pertenece a ninguna empresa. Inscriba una empresa o pida a su titular que le invite.
profile-title = Datos de la empresa
profile-submit = Guardar cambios
profile-identity-note = La razón social y el RUC solo los cambia un funcionario del registro.
invitation-title = Invitación a una empresa
invitation-intro = Le invitan a unirse a { $legal_name } con el correo { $email }.
invitation-accept = Aceptar la invitación
invitation-new-account = Cree su cuenta para aceptar
registry-title = Registro de proveedores
registry-queue = Inscripciones por revisar
registry-queue-empty = No hay inscripciones pendientes.
registry-email-pending = Correo del titular sin verificar
registry-email-ok = Correo del titular verificado
registry-open = Revisar
registry-all = Proveedores revisados
registry-decide = Registrar una decisión
registry-decision-verify = Verificar
registry-decision-reject = Rechazar
registry-decision-suspend = Suspender
registry-decision-reinstate = Rehabilitar
registry-decision-debar = Inhabilitar hasta una fecha
registry-decision-submit = Registrar decisión
registry-identity-title = Corregir razón social o RUC
registry-identity-submit = Guardar corrección
admin-registry = Registro
admin-grant = Dar permiso de registro
admin-withdraw = Quitar permiso de registro
notice-supplier-registered = Empresa inscrita. Verifique su correo electrónico con el enlace que le enviamos.
notice-profile-updated = Datos actualizados.
notice-invitation-sent = Invitación enviada.
notice-member-removed = La persona fue retirada de la empresa.
notice-owner-changed = La titularidad fue transferida.
notice-decision-recorded = Decisión registrada y comunicada al titular.
notice-identity-changed = Razón social y RUC actualizados.
notice-joined = Ahora forma parte de la empresa.
notice-permission-changed = Permiso de registro actualizado.

## Importes
error-invalid-currency = «{ $field }» debe ser PEN o USD.
error-invalid-amount = «{ $field }» debe ser un importe escrito con cifras, como 450,000.50 o 450000.50.
error-amount-ambiguous = «{ $field }» puede leerse como otro importe: escriba los miles con coma y los céntimos con punto, como 450,000.50 o 450000.50 (no 450.000,50).
error-amount-negative = «{ $field }» no puede ser negativo.
error-amount-too-precise = «{ $field }» admite como máximo dos decimales (céntimos), como 450,000.50.
error-amount-out-of-range = «{ $field }» es demasiado grande.

## Tenders
field-title = Título
field-description = Descripción
field-method = Procedimiento de selección
field-procurement-category = Objeto de la contratación
field-classification = Código UNSPSC
field-currency = Moneda
field-lots = Lotes
field-lot-title = Descripción del lote
field-lot-quantity = Cantidad
field-lot-unit = Unidad de medida
field-lot-value = Valor estimado del lote
field-award-criteria = Criterio de adjudicación
field-price-weight = Puntaje del precio
field-quality-criteria = Criterios de calidad
field-criterion-name = Nombre del criterio
field-criterion-weight = Puntaje del criterio
field-enquiry-deadline = Fin de consultas
field-submission-deadline = Fin de presentación de ofertas
field-opening-at = Apertura de ofertas
field-committee = Comité de apertura
field-observer = Auditor observador
field-committee-threshold = Cuántos miembros deben estar presentes para abrir
field-documents = Documentos
field-file = Archivo
field-status = Estado
field-question = Consulta
field-answer = Respuesta
field-ground = Motivo de la cancelación
field-rationale = Sustento de la enmienda
field-withdraw-documents = Documentos retirados
field-segments = Rubros
field-buyers = Entidades
field-buyer = Entidad
field-sort = Orden
field-page = Página
field-value-min = Valor mínimo
field-value-max = Valor máximo
field-deadline-from = Cierre desde
field-deadline-to = Cierre hasta
field-amount = Importe
error-in-lot = lote { $n }
error-in-criterion = criterio { $n }
error-invalid-choice = «{ $field }» no es una de las opciones permitidas.
error-lots-required = Agregue al menos un lote.
error-too-many = «{ $field }»: como máximo { $max }.
error-invalid-quantity = «{ $field }» debe ser un número mayor que cero, con hasta tres decimales.
error-quality-criteria-count = Indique entre 1 y { $max } criterios de calidad.
error-weights-must-sum-100 = Los puntajes del precio y de la calidad deben sumar 100 (suman { $sum }).
error-invalid-classification = «{ $field }» debe ser un código UNSPSC de 8 dígitos de un segmento conocido.
error-invalid-datetime = «{ $field }» debe ser una fecha y hora, como 2026-12-10 17:00 (hora de Lima) o, en la API, 2026-12-10T17:00:00-05:00.
error-datetime-without-offset = «{ $field }» debe indicar su diferencia horaria, como 2026-12-10T17:00:00-05:00 (hora de Lima) o 2026-12-10T22:00:00Z (UTC): sin ella no se sabe qué hora es.
error-in-the-past = «{ $field }» ya pasó.
error-period-too-short = «{ $field }»: este procedimiento exige al menos { $min } días calendario desde la publicación (hay { $days }).
error-enquiry-after-submission = «{ $field }» debe ser anterior al fin de presentación de ofertas.
error-opening-before-deadline = «{ $field }» no puede ser anterior al fin de presentación de ofertas.
error-committee-not-buyer-officer = «{ $field }»: el usuario { $user } no es funcionario activo de esta entidad.
error-observer-not-auditor = «{ $field }» debe ser un auditor activo.
error-committee-too-small = «{ $field }» necesita al menos { $min } funcionarios de la entidad.
error-threshold-out-of-range = «{ $field }» debe estar entre 2 y { $max } (el tamaño del comité).
error-lot-unvalued = El lote { $lot } no tiene valor estimado.
error-documents-required = Adjunte al menos un documento (las bases) antes de publicar.
error-tender-not-draft = Solo un borrador se puede modificar o publicar; esta convocatoria está «{ $status }». Use una enmienda.
error-tender-not-cancellable = No se puede cancelar una convocatoria en estado «{ $status }».
error-tender-not-amendable = No se puede enmendar una convocatoria en estado «{ $status }».
error-tender-closed-for-documents = No se pueden agregar documentos a una convocatoria en estado «{ $status }».
error-enquiries-closed = El periodo de consultas está cerrado (estado «{ $status }»).
error-answers-closed = Las consultas se absuelven hasta el cierre de la presentación de ofertas, que ya pasó (estado «{ $status }»).
error-supplier-cannot-bid = Su empresa no está habilitada para participar (revise su inscripción).
error-already-answered = Esa consulta ya fue respondida.
error-deadline-moved-earlier = «{ $field }» no puede adelantarse después de publicada la convocatoria.
error-amendment-requires-extension = Esta enmienda se hace a menos de { $days } días del cierre: «{ $field }» debe pasar al menos a { $until } (hora de Lima).
error-unknown-document = «{ $field }»: el documento { $id } no está publicado en esta convocatoria.
error-amendment-without-changes = La enmienda no cambia nada: modifique algún dato o suba un documento.
error-file-missing = Elija un archivo.
error-file-name-invalid = El nombre del archivo no es válido: sin barras, sin «..», con extensión, hasta 200 caracteres.
error-file-type-unsupported = El contenido del archivo (.{ $ext }) no es un PDF, documento de oficina, imagen PNG/JPEG ni ZIP.
error-file-type-mismatch = El contenido del archivo no corresponde a su extensión .{ $ext } (parece .{ $detected }).
error-file-too-large = El archivo supera el máximo de { $max } MB.
error-file-empty = El archivo está vacío.
error-unknown-buyer = «{ $field }»: la entidad { $id } no existe.
error-page-beyond-window = Solo se pueden recorrer los primeros { $max } resultados: afine la búsqueda.
problem-too-large = Archivo demasiado grande
status-draft = Borrador
status-open = Convocada
status-enquiries-closed = Consultas cerradas
status-closed = Presentación cerrada
status-cancelled = Cancelada
status-awarded = Adjudicada
status-unsuccessful = Desierta
method-licitacion-publica = Licitación pública
method-concurso-publico = Concurso público
method-adjudicacion-simplificada = Adjudicación simplificada
method-subasta-inversa-electronica = Subasta inversa electrónica
ocds-auction-rules = Subasta inversa electrónica: cada postor parte de su precio sellado y solo puede bajar su propio precio, en al menos { $step } { $currency } por lance; la ventana dura { $window } minutos; un lance que iguala o mejora el mejor precio en los { $extension } últimos minutos lleva el cierre a { $extension } minutos después de él, hasta { $times } veces; si ningún servidor recibe lances por más de { $gap } segundos, el cierre se mueve ese tiempo. El reloj del servidor decide.
method-comparacion-precios = Comparación de precios
method-contratacion-directa = Contratación directa
category-goods = Bienes
category-works = Obras
category-services = Servicios
criteria-lowest-price = Menor precio
criteria-price-quality = Precio y calidad
email-tender-published-subject = Nueva convocatoria: { $title }
email-tender-published-body =
    Hola, { $name }:

    { $buyer } publicó una convocatoria que coincide con sus alertas:
    { $title } ({ $ocid })

    Véala en { $link }
email-tender-amended-subject = Enmienda en { $title }
email-tender-amended-body =
    Hola, { $name }:

    La convocatoria { $title } ({ $ocid }) de { $buyer } fue enmendada. Revise qué cambió en { $link }
email-tender-cancelled-subject = Cancelada: { $title }
email-tender-cancelled-body =
    Hola, { $name }:

    { $buyer } canceló la convocatoria { $title } ({ $ocid }). El motivo está publicado en { $link }
email-tender-answered-subject = Nueva respuesta en { $title }
email-tender-answered-body =
    Hola, { $name }:

    Se respondió una consulta de la convocatoria { $title } ({ $ocid }). Léala en { $link }
nav-tenders = Convocatorias
nav-my-tenders = Mis convocatorias
tenders-title = Convocatorias
tenders-lead = Busque convocatorias publicadas por las entidades del Estado. No necesita cuenta para buscar ni para ver una convocatoria.
tenders-any = Cualquiera
tenders-search = Buscar
tenders-more-filters = Más filtros
tenders-count = { $total ->
    [one] 1 convocatoria encontrada.
   *[other] { $total } convocatorias encontradas.
}
tenders-count-more = Más de { $total } convocatorias encontradas; afine la búsqueda.
tenders-any-word = Ninguna convocatoria tiene todas las palabras buscadas: se muestran las que tienen alguna de ellas.
tenders-none = Ninguna convocatoria coincide con la búsqueda.
tenders-classification-hint = Dos dígitos para un segmento (elija en la lista, por ejemplo 43 para equipos informáticos), cuatro para una familia, seis para una clase u ocho para un producto, por ejemplo 43211507; 43211500 es la clase 432115.
tenders-sort-deadline = Cierre más próximo primero
tenders-sort-deadline-desc = Cierre más lejano primero
tenders-sort-published-desc = Publicadas más recientemente
tenders-sort-value = Menor valor primero
tenders-sort-value-desc = Mayor valor primero
tender-estimated-value = Valor estimado
tender-ocid = Identificador OCDS (ocid)
tender-no-ocid = Se asigna al publicar
tender-published-at = Publicada
tender-countdown = Tiempo para presentar ofertas:
tender-deadline-not-working-day = El cierre de la presentación cae el { $date }, un día no laborable (fin de semana o feriado): muchos postores no podrán preparar ni presentar su oferta ese día. Considere moverlo con una enmienda.
tender-remaining = quedan { $days ->
    [one] 1 día
   *[other] { $days } días
}, { $hours ->
    [one] 1 hora
   *[other] { $hours } horas
} y { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
} (calculado al cargar la página).
tender-deadline-passed = plazo vencido
tender-cancelled-notice = Convocatoria cancelada el { $at }. Motivo: { $ground }
tender-schedule = Cronograma (hora de Lima)
tender-lots = Lotes
tender-lot-number = N.º
tender-criteria = Criterios de adjudicación
tender-points = Puntaje
tender-committee = Comité de apertura
tender-threshold = { $k ->
    [one] Basta 1 miembro para abrir las ofertas.
   *[other] Deben estar presentes { $k } miembros para abrir las ofertas.
}
committee-member = miembro
committee-observer = auditor observador
tender-documents = Documentos
tender-hash-help = Cada archivo muestra su huella SHA-256: calcúlela sobre lo que descargó (por ejemplo, sha256sum archivo) para comprobar que es el documento publicado.
tender-document-type = Tipo
tender-document-size = Tamaño
tender-document-hash = SHA-256
tender-document-state = Estado
tender-no-documents = Aún no hay documentos.
document-staged = Por publicar en la próxima enmienda
document-added-in = Agregado por la enmienda { $n }
document-withdrawn = Retirado por la enmienda { $n }
tender-enquiries = Consultas y respuestas
tender-no-enquiries = Aún no hay consultas.
enquiry-asked = Consulta ({ $at }):
enquiry-answered = Respuesta ({ $at }):
enquiry-pending = Pendiente de respuesta.
tender-amendments = Enmiendas
tender-no-amendments = Sin enmiendas.
amendment-heading = Enmienda { $n } — { $at }
amendment-material = Enmienda sustancial: las ofertas ya presentadas deben confirmarse de nuevo.
change-before-after = antes «{ $before }», ahora «{ $after }»
change-description = Descripción
change-enquiry-deadline = Fin de consultas
change-submission-deadline = Fin de presentación de ofertas
change-opening-at = Apertura de ofertas
change-lots = Lotes
change-criteria = Criterios de adjudicación
change-documents-added = Documentos agregados
change-documents-withdrawn = Documentos retirados
enquiry-ask-heading = Hacer una consulta
enquiry-ask-help = Su consulta y su respuesta se publican para todos, sin el nombre de su empresa.
enquiry-ask-submit = Enviar consulta
tender-follow = Seguir esta convocatoria (avisos por correo)
tender-unfollow = Dejar de seguir esta convocatoria
tender-manage = Gestión de la convocatoria
tender-edit = Editar borrador
tender-upload = Adjuntar documento
tender-upload-staged = Subir documento (se publicará con la próxima enmienda)
tender-upload-submit = Subir
tender-publish = Publicar convocatoria
tender-publish-help = Al publicar se comprueban los plazos mínimos del procedimiento, el comité y los lotes; después solo se puede cambiar mediante enmiendas.
tender-amend = Enmendar
tender-cancel = Cancelar convocatoria
enquiry-answer-label = Respuesta a: { $question }
enquiry-answer-submit = Publicar respuesta
tender-new-title = Nueva convocatoria
tender-edit-title = Editar borrador
tender-new-lead = El borrador solo lo ven los funcionarios de su entidad hasta que lo publique.
tender-lots-help = Complete una fila por lote; las filas vacías se ignoran. El valor estimado de la convocatoria es la suma de los lotes.
tender-lot-n = Lote { $n }
tender-criterion-n = Criterio de calidad { $n }
tender-price-weight-help = Solo para precio y calidad: puntos del precio; con los criterios de calidad deben sumar 100.
tender-classification-help = Código UNSPSC de 8 dígitos, por ejemplo 43211500 (computadoras).
tender-lima-time = AAAA-MM-DD HH:MM, hora de Lima (por ejemplo 2026-12-10 17:00).
tender-committee-help = Al menos dos funcionarios de su entidad.
tender-no-observer = Sin observador
tender-save-draft = Guardar borrador
amend-title = Enmendar: { $title }
amend-lead = Cambie lo que corresponda y explique por qué. El historial de enmiendas es público.
amend-material = Enmienda sustancial
amend-material-help = Las ofertas ya presentadas deberán confirmarse de nuevo.
amend-staged = Esta enmienda publicará los documentos subidos: { $files }.
amend-submit = Publicar enmienda
cancel-title = Cancelar: { $title }
cancel-lead = La cancelación es pública y se avisa por correo a los proveedores interesados. No se puede deshacer.
cancel-submit = Cancelar la convocatoria
my-tenders-title = Convocatorias de mi entidad
alerts-title = Alertas de convocatorias
alerts-lead = Reciba un correo cuando se publique, enmiende o cancele una convocatoria de estas entidades o rubros.
alerts-save = Guardar alertas
notice-tender-drafted = Borrador guardado. Adjunte los documentos y publíquelo cuando esté listo.
notice-tender-saved = Borrador actualizado.
notice-document-uploaded = Documento subido.
notice-tender-published = Convocatoria publicada.
notice-enquiry-sent = Consulta enviada. Le avisaremos por correo cuando se responda.
notice-enquiry-answered = Respuesta publicada.
notice-tender-followed = Ahora sigue esta convocatoria.
notice-tender-unfollowed = Ya no sigue esta convocatoria.
notice-tender-amended = Enmienda publicada.
notice-tender-cancelled = Convocatoria cancelada.
notice-alerts-saved = Alertas guardadas.
tender-remaining-short = quedan { $days } d { $hours } h

## Sealed bids (ofertas)
field-price = Precio
field-bid = Oferta
field-declarations = Declaraciones juradas
field-declaration-truthful = Declaro que la información y los documentos de mi oferta son veraces
field-declaration-not-debarred = Declaro que mi empresa no está inhabilitada ni suspendida para contratar con el Estado
field-declaration-no-conflict-of-interest = Declaro que no tengo conflicto de intereses con la entidad ni con el comité
field-declaration-accepts-terms = Acepto las bases y las condiciones de la convocatoria
field-envelope = Sobre sellado
field-idempotency-key = Clave de idempotencia (Idempotency-Key)
field-passphrase = Frase de apertura
field-current-passphrase = Frase de apertura actual
field-opening = Apertura
field-receipt = Constancia
error-bid-no-price = Indique el precio de al menos un lote.
error-lot-unknown = La convocatoria no tiene ese lote.
error-lot-repeated = Ese lote aparece más de una vez.
error-currency-mismatch = La oferta debe estar en { $currency }, la moneda de la convocatoria.
error-price-not-positive = «{ $field }» debe ser mayor que cero.
error-declaration-unknown = «{ $field }» contiene una declaración desconocida.
error-declaration-missing = Debe aceptar: «{ $field }».
error-too-many-documents = Como máximo { $max } documentos por oferta.
error-bid-too-large = La oferta supera el máximo de { $max } MB.
error-body-too-large = La solicitud supera el máximo de { $max } MB.
field-body = Cuerpo de la solicitud
error-not-base64 = «{ $field }» no está en base64.
error-envelope-with-content = Envíe un sobre sellado o el contenido de la oferta, no ambos.
error-envelope-invalid = El sobre no es un archivo age cifrado para la clave pública de la convocatoria.
error-tender-cancelled = La convocatoria fue cancelada.
error-contract-already-signed = Ya se firmó un contrato: la convocatoria ya no puede cancelarse.
error-contract-not-active = El contrato no está en ejecución.
error-complaint-not-decidable = Una apelación no se puede resolver en este punto de la convocatoria (estado: { $status }).
error-transition-not-declared = El procedimiento de la convocatoria no pasa de «{ $status }» a «{ $to }».
error-status-changed = El estado de la convocatoria cambió entretanto (era «{ $status }»); vuelva a cargar e intente de nuevo.
error-action-not-in-procedure = El procedimiento de esta convocatoria no tiene ese paso.
error-tender-not-taking-bids = La convocatoria no recibe ofertas (estado: { $status }).
error-deadline-passed = El plazo de presentación venció el { $deadline } (hora de Lima); la hora del servidor al recibir su oferta era { $server_time }. La oferta no fue aceptada.
error-withdrawal-closed = Las ofertas pueden retirarse hasta el cierre de la presentación, el { $deadline } (hora de Lima); la hora del servidor era { $server_time }. Su oferta sigue en la apertura.
error-bid-exists = Su empresa ya tiene una oferta vigente en esta convocatoria; reemplácela o retírela.
error-idempotency-key-conflict = Esa Idempotency-Key ya se usó para otra solicitud (otro precio, documento, convocatoria u oferta): ahora no se presentó nada. Use una clave nueva para una oferta distinta.
error-invalid-idempotency-key = La cabecera Idempotency-Key debe tener de 1 a 100 caracteres ASCII visibles.
error-bid-not-live = La oferta ya no está vigente (estado: { $status }).
error-not-frozen-yet = Las ofertas se congelan al vencer el plazo de presentación; la prueba estará disponible entonces.
error-bid-not-in-tree = Esa oferta no estaba vigente al vencer el plazo, por eso no está en el árbol.
error-passphrase-wrong = La frase de apertura no es correcta.
error-member-without-opening-key = Estos miembros del comité aún no definieron su frase de apertura: { $names }.
error-opening-not-yet = La apertura es a partir del { $opening_at } (hora de Lima).
error-already-opened = Las ofertas ya fueron abiertas.
error-no-bids-received = No se recibieron ofertas: no hay nada que abrir.
error-share-already-given = Usted ya aportó su parte de la clave.
error-shares-do-not-rebuild = Las partes aportadas no reconstruyen la clave de la convocatoria; nada fue abierto.
error-file-not-stored = No se pudo guardar el documento.
email-bid-receipt-subject = Constancia de su oferta n.º { $bid }: { $title }
email-bid-receipt-body =
    Hola, { $name }:

    Licita recibió y selló su oferta n.º { $bid } para «{ $title }» ({ $ocid }) el { $time } (hora de Lima).
    Huella SHA-256 del sobre: { $sha256 }

    Su constancia firmada (consérvela; puede verificarla en Licita o con cualquier biblioteca Ed25519):

    { $receipt }

    Nadie puede leer su oferta antes de la apertura por el comité.
status-submitted = Vigente
status-superseded = Reemplazada
status-withdrawn = Retirada
result-opened = Abierta en la apertura
result-tampered = Alterada: no coincide con su constancia
result-unconfirmed = No reconfirmada tras una modificación sustancial
result-invalid = No se abre con la clave de la convocatoria o no corresponde a ella
nav-my-bids = Mis ofertas
bids-section-heading = Ofertas selladas
bids-section-lead = Cada oferta se cifra para esta clave pública al recibirla; solo el comité, reuniendo sus partes de la clave, puede abrirlas después de la fecha de apertura.
bids-recipient = Clave pública de la convocatoria (age X25519):
bids-frozen-root = { $count ->
    [one] Ofertas congeladas al vencer el plazo: 1.
   *[other] Ofertas congeladas al vencer el plazo: { $count }.
} Raíz de Merkle (RFC 6962):
bids-submit-link = Presentar o reemplazar mi oferta
bids-opening-link = Apertura de ofertas y acta
bid-form-title = Oferta para «{ $title }»
bid-form-lead = Su precio y sus documentos se cifran en el servidor al recibirlos, antes de guardarse: nadie puede leerlos antes de la apertura. Recibirá una constancia firmada.
bid-form-replaces = Su oferta vigente es la n.º { $bid } (recibida { $time }). Si envía este formulario, la reemplaza.
bid-price-for-lot = Precio del lote { $n }: { $lot } ({ $currency })
bid-documents-hint = Propuesta técnica y anexos (PDF, Word, Excel, ODF o imágenes). Al reemplazar su oferta se conservan los documentos de la anterior, salvo los que quite; un archivo con el mismo nombre reemplaza al anterior.
bid-submit = Revisar mi oferta antes de sellarla
bid-replace-submit = Revisar la nueva oferta antes de sellarla
bid-withdraw = Retirar mi oferta
bid-replace-link = Reemplazar o retirar esta oferta
bid-confirm = Reconfirmar mi oferta
bid-needs-confirmation = La convocatoria tuvo una modificación sustancial después de su oferta: reconfírmela antes del cierre o no será abierta.
notice-bid-sealed = Su oferta fue sellada y registrada. Guarde su constancia.
notice-bid-withdrawn = Su oferta fue retirada.
notice-bid-confirmed = Su oferta fue reconfirmada.
notice-opening-key-set = Su frase de apertura quedó guardada.
notice-share-given = Su parte de la clave fue aportada.
my-bids-title = Mis ofertas
my-bids-empty = Su empresa aún no presentó ofertas.
my-bids-item = Oferta n.º { $bid }: { $title }
my-bids-download-receipt = Descargar la constancia (JSON)
my-bids-download-proof = Descargar la prueba de inclusión (JSON)
receipt-check-link = Verificar una constancia
receipt-check-title = Verificar una constancia de oferta
receipt-check-lead = Pegue o suba una constancia o la copia de su oferta (y, si la tiene, su prueba de inclusión) para comprobar la firma del servidor y que la oferta está registrada y en el árbol publicado.
receipt-check-submit = Verificar
receipt-check-signature-valid = La firma es válida: el servidor emitió esta constancia tal como está.
receipt-check-signature-invalid = La firma NO es válida: la constancia fue alterada o no la emitió este servidor.
receipt-check-on-record = La oferta está registrada con esa huella.
receipt-check-lances = { $valid } de los { $all } lances del acta llevan la firma de este servidor.
receipt-check-auction-on-record = Consta en el registro de la subasta con esa misma firma.
receipt-check-auction-not-on-record = El registro de la subasta no tiene nada con esa firma.
auction-transcript-link = Acta firmada de la subasta (JSON): cada lance con su recibo, cada prórroga y el orden final
auction-verify-link = Verificar el acta o un recibo de lance
receipt-check-not-on-record = La oferta no está registrada con esos datos.
receipt-check-included = La prueba lleva la huella del sobre hasta la raíz publicada.
receipt-check-not-included = La prueba NO lleva a la raíz publicada de la convocatoria.
receipt-copy-not-this-bid = La copia NO corresponde a esta constancia: su convocatoria o su RUC son otros.
receipt-copy-not-yet-opened = La firma cubre la constancia (convocatoria, oferta, RUC, hora y huella del sobre), no los precios que la copia lista: hasta la apertura nadie, ni Licita, puede leerlos para compararlos.
receipt-copy-prices-match = Los precios de la copia son los de la oferta abierta, lote por lote.
receipt-copy-prices-differ = Los precios de la copia NO son los de la oferta abierta: la copia fue modificada.
field-receipt-file = O suba el archivo
hint-receipt-file = La constancia descargada de «Mis ofertas» o la copia de su oferta que recibió al sellarla (archivo .json).
field-proof = Prueba de inclusión (opcional)
error-receipt-unreadable = «{ $field }» no es una constancia ni una copia de oferta legible (pegue el texto del archivo .json o súbalo).
error-tender-amended-while-sealing = La convocatoria fue modificada mientras se sellaba su oferta: revise la modificación y presente la oferta de nuevo. Nada quedó registrado.
error-receipt-file-not-text = El archivo elegido no es una constancia: la constancia o la copia de la oferta es un archivo de texto .json (un PDF o una imagen no se pueden verificar).
error-receipt-file-too-large = El archivo elegido es demasiado grande para ser una constancia (como máximo 256 KB; una constancia o una copia ocupa unos pocos KB).
error-proof-unreadable = «{ $field }» no es una prueba JSON legible.
opening-key-title = Frase de apertura
opening-key-lead = Como posible miembro de un comité de apertura, defina una frase de apertura. Con ella se protege su clave personal; sin ella nadie puede usar su parte de la clave de una convocatoria. No se puede recuperar: guárdela bien.
opening-key-change-lead = Para cambiar su frase de apertura, indique la actual y la nueva.
opening-key-hint = Al menos 12 caracteres. Una frase de varias palabras es más segura y fácil de recordar.
opening-key-submit = Guardar la frase de apertura
opening-title = Apertura de ofertas: { $title }
opening-back = Volver a la convocatoria
opening-state-before-opening = La apertura será a partir del { $time }. { $threshold ->
    [one] Hace falta 1 miembro del comité.
   *[other] Hacen falta { $threshold } miembros del comité.
}
opening-state-awaiting-shares = Apertura en curso: { $needed ->
    [one] falta 1
   *[other] faltan { $needed }
} de { $threshold } miembros.
opening-state-opened = Las ofertas fueron abiertas.
opening-state-no-bids = No se recibieron ofertas: no hay sobres que abrir. Cada lote se declara desierto en la buena pro.
opening-state-cancelled = La convocatoria fue cancelada; sus ofertas no se abren.
opening-members = Miembros del comité
opening-member-present = aportó su parte
opening-member-absent = aún no aportó su parte
opening-share-hint = Su frase de apertura descifra su parte de la clave; con las partes suficientes se abren todas las ofertas.
opening-share-submit = Aportar mi parte de la clave
transcript-heading = Acta de apertura
transcript-facts = Abierta el { $time } con las partes de: { $members }. Sobres congelados: { $count }.
transcript-root-matches = Las huellas guardadas reproducen la raíz de Merkle publicada al cierre.
transcript-root-differs = ¡Las huellas guardadas NO reproducen la raíz publicada al cierre!
transcript-bidder = Postor
transcript-result = Resultado
transcript-prices = Precios
transcript-price = Lote { $lot }: { $amount }
transcript-price-withheld = Lote { $lot }: reservado hasta el cierre de la subasta del lote (diría qué postor anónimo es la empresa)
transcript-documents-withheld = Reservados hasta el cierre de la subasta (sus huellas podrían delatar a la empresa).

## Evaluación, buena pro, apelaciones, contratos y auditoría
field-evaluation = Evaluación
field-award = Buena pro
field-contract = Contrato
field-disqualification-ground = Causal de descalificación
field-note = Sustento
field-score = Puntaje
field-comment = Comentario del puntaje
field-scores = Puntajes
field-admissible = Resultado de la evaluación
field-justification = Justificación
field-flag-single-bid = Justificación: una sola oferta
field-flag-lowest-bid-disqualified = Justificación: oferta más baja descalificada
field-flag-others-all-disqualified = Justificación: todas las demás ofertas descalificadas
field-flag-identical-prices = Justificación: precios idénticos
flag-identical-documents = Documentos idénticos de postores distintos
field-flag-identical-documents = Justificación: documentos idénticos
field-flag-above-estimate = Justificación: precio sobre el valor estimado
field-flag-short-submission-period = Justificación: plazo de presentación corto
field-flag-modification-above-threshold = Justificación: modificaciones sobre el umbral
field-grounds = Fundamentos de la apelación
field-reasoning = Fundamentación de la decisión
field-signed-on = Fecha de suscripción
field-value = Monto del contrato
field-duration-days = Plazo (días calendario)
field-value-change = Variación del monto
field-severity = Gravedad
field-min-value = Monto desde
field-max-value = Monto hasta
field-from = Otorgada desde
field-to = Otorgada hasta
field-flag = Alerta
error-bids-not-opened = Las ofertas aún no se han abierto.
error-lot-already-decided = Este lote ya tiene buena pro o fue declarado desierto.
error-bid-excluded = Esta oferta quedó excluida porque su buena pro fue anulada por una apelación.
error-score-out-of-range = «{ $field }» debe estar entre 0 y { $max } puntos, con dos decimales como máximo.
error-criterion-unknown = El criterio { $criterion } no existe en esta convocatoria.
error-evaluation-incomplete = Falta evaluar ofertas de este lote.
error-standstill-over = El plazo para apelar esta buena pro ya venció.
error-complaint-already-filed = Su empresa ya presentó una apelación pendiente contra esta buena pro.
error-decider-made-the-award = La apelación debe resolverla un funcionario distinto del que otorgó la buena pro.
error-complaint-already-decided = Esta apelación ya fue resuelta.
error-award-not-final = La buena pro aún no está consentida.
error-date-in-future = «{ $field }» no puede ser una fecha futura.
error-date-before-award = «{ $field }» no puede ser anterior a la buena pro.
error-amount-not-positive = «{ $field }» debe ser mayor que cero.
error-days-out-of-range = «{ $field }» debe ser un número de días entre 1 y { $max }.
error-contract-value-not-positive = Con esta variación el monto del contrato dejaría de ser positivo.
error-contract-already-recorded = Esta buena pro ya tiene contrato registrado.
error-invalid-base64 = Un documento no está codificado en base64.
evaluation-pending = sin evaluar
evaluation-valid = válida
evaluation-disqualified = descalificada
evaluation-excluded = excluida
complaint-status-filed = en trámite
complaint-status-upheld = fundada
complaint-status-dismissed = infundada
award-status-pending = en plazo de apelación
award-status-final = consentida
award-status-cancelled = anulada
award-status-unsuccessful = desierto
flag-single-bid = Una sola oferta
flag-lowest-bid-disqualified = Oferta más baja descalificada
flag-others-all-disqualified = Todas las demás ofertas descalificadas
flag-identical-prices = Precios idénticos de postores distintos
flag-above-estimate = Precio adjudicado sobre el valor estimado
flag-short-submission-period = Plazo de presentación menor al usual
flag-modification-above-threshold = Modificaciones del contrato sobre el umbral
ground-missing-documents = Falta documentación obligatoria
ground-technical-noncompliance = No cumple las especificaciones técnicas
ground-price-above-ceiling = Precio sobre el límite permitido
ground-supplier-not-eligible = Postor no habilitado
ground-false-declaration = Declaración falsa
ground-other = Otra causal
severity-low = baja
severity-medium = media
severity-high = alta
finding-status-open = abierto
finding-status-addressed = atendido
finding-status-closed = cerrado
email-award-subject = Buena pro del lote { $lot } de { $ocid }
email-award-body = Hola, { $name }:

    Se otorgó la buena pro del lote { $lot } de «{ $title }» ({ $ocid }) a { $winner } por { $amount }.

    Orden de prelación:
    { $ranking }

    Cualquier postor puede apelar hasta el { $standstill_end } (hora de Lima) desde la página de la buena pro:
    { $link }
email-unsuccessful-subject = Lote { $lot } de { $ocid } declarado desierto
email-unsuccessful-body = Hola, { $name }:

    El lote { $lot } de «{ $title }» ({ $ocid }) fue declarado desierto: ninguna oferta resultó válida.

    Evaluación:
    { $ranking }

    El expediente: { $link }
email-complaint-decided-subject = Su apelación sobre { $ocid } fue resuelta
email-complaint-decided-body = Hola, { $name }:

    Su apelación contra la buena pro del lote { $lot } de «{ $title }» ({ $ocid }) fue declarada { $decision }.

    Fundamentación: { $reasoning }
awards-title = Buena pro, apelaciones y contratos
awards-none = Aún no se ha otorgado la buena pro de ningún lote.
award-lot = Lote { $lot }: { $title }
award-winner = Buena pro a { $winner } por { $amount } (valor estimado { $estimate }).
award-no-winner = Declarado desierto: ninguna oferta válida.
award-facts = Otorgada por { $by } el { $time }. Plazo de apelación hasta: { $standstill }.
award-justification = Justificación:
award-flags = Alertas y su justificación
award-col-place = Orden
award-col-bidder = Postor
award-col-price = Precio
award-col-points = Puntaje total
award-col-result = Resultado
award-ranking = Orden de prelación al otorgar la buena pro
award-complaints = Apelaciones
complaint-line = { $bidder }, { $time }: { $status }
complaint-decided = Resuelta por { $by } el { $time }:
award-contract = Contrato
contract-line = Suscrito el { $signed } por { $value }; plazo { $days } días; monto vigente { $current } ({ $percent } % de variación).
modification-line = Modificación { $n }: { $change } ({ $percent } %). { $reason }
audit-awards-title = Adjudicaciones y alertas
audit-awards-csv = Descargar CSV
audit-awards-count = { $count ->
    [one] 1 adjudicación
   *[other] { $count } adjudicaciones
}
audit-col-tender = Convocatoria
audit-col-lot = Lote
filter-any = Todas
filter-any-flag = Con alguna alerta
filter-apply = Filtrar
timeline-title = Historial: { $title }
timeline-intact = { $chains ->
    [one] La cadena del registro de auditoría de esta convocatoria está íntegra.
   *[other] Las { $chains } cadenas del registro de auditoría de esta convocatoria están íntegras.
}
timeline-awards-link = Ver la buena pro, las apelaciones y el contrato
timeline-events-heading = Hechos, en orden
findings-heading = Hallazgos de auditoría
finding-line = Gravedad { $severity }, { $status } — { $auditor }, { $time }
finding-new = Registrar un hallazgo
finding-submit = Registrar hallazgo
evaluation-link = Evaluación de ofertas y buena pro
evaluation-title = Evaluación de ofertas: { $title }
evaluation-lead = Cada oferta se declara válida o descalificada (con su causal); en las convocatorias con puntaje se califica cada criterio. Las ofertas válidas se ordenan solas según la regla publicada; cada registro queda en el historial de auditoría.
evaluation-estimate = Valor estimado: { $amount }
evaluation-evaluate = Evaluar
evaluation-correct = Corregir
evaluation-caption = Ofertas y orden de prelación
evaluation-award-link = Otorgar la buena pro del lote { $lot }
evaluation-decided-link = Ver la decisión del lote { $lot }
award-col-action = Acción
award-evaluation-link = Volver a la evaluación
entry-title = Evaluar la oferta n.º { $bid } en el lote { $lot }
entry-bid = { $bidder } ofertó { $amount } por «{ $lot }»; recibida el { $time }.
entry-choose = — Elija —
entry-admissible-yes = Válida: cumple los requisitos
entry-admissible-no = Descalificada
entry-ground-none = — Solo si se descalifica —
entry-criterion = { $name } (hasta { $max } puntos)
entry-scores-lead = El precio vale hasta { $price } puntos y se calcula solo: la oferta más baja obtiene todos y las demás en proporción. Califique aquí los demás criterios.
entry-submit = Guardar la evaluación
award-form-title = Buena pro del lote { $lot }: { $title }
award-form-winner = La buena pro corresponde a { $winner } por { $amount } (valor estimado { $estimate }).
award-form-unsuccessful = Ninguna oferta es válida: el lote se declarará desierto.
award-form-blocked = Todavía no se puede decidir este lote:
award-form-flags = Alertas
award-form-flags-lead = Cada alerta se publica con su justificación y la revisan los auditores. Escriba una justificación para cada una.
award-form-no-flags = No se detectó ninguna alerta en este lote.
award-form-submit = Otorgar la buena pro
award-form-submit-unsuccessful = Declarar desierto el lote
flag-help-single-bid = Una sola oferta en un procedimiento abierto o selectivo: ¿por qué no hubo competencia?
flag-help-lowest-bid-disqualified = La oferta más baja fue descalificada en una convocatoria por precio: ¿por qué?
flag-help-others-all-disqualified = Todas las ofertas salvo la ganadora fueron descalificadas: ¿por qué?
flag-help-identical-prices = Postores distintos ofertaron exactamente el mismo precio.
flag-help-identical-documents = Dos postores distintos presentaron el mismo documento (la misma huella SHA-256).
flag-help-above-estimate = El precio ganador supera el valor estimado del lote.
flag-help-short-submission-period = El plazo de presentación fue menor que el mínimo usual del procedimiento.
flag-help-modification-above-threshold = Las modificaciones del contrato superan en conjunto el umbral configurado.
complaint-link = Apelar esta buena pro
complaint-form-title = Apelar la buena pro del lote { $lot }: { $title }
complaint-form-lead = Puede apelar hasta el { $time } (hora de Lima). La apelación, sus documentos y su resolución son públicos.
complaint-submit = Presentar la apelación
complaint-documents-hint = Hasta 5 archivos (PDF, imágenes u hojas de cálculo).
decision-link = Resolver la apelación de { $bidder }
decision-title = Resolver la apelación de { $bidder }
decision-upheld = Fundada: se anula la buena pro
decision-dismissed = Infundada: la buena pro se mantiene
decision-submit = Resolver la apelación
contract-link = Registrar el contrato
contract-title = Contrato del lote { $lot }: { $title }
contract-documents-hint = El contrato firmado y sus anexos, hasta 5 archivos.
contract-submit = Registrar el contrato
modification-link = Registrar una modificación del contrato
modification-title = Modificación del contrato del lote { $lot }: { $title }
modification-lead = Monto original { $value }; vigente { $current } ({ $percent } % de variación). Si las modificaciones en conjunto superan el { $threshold } % del monto original, la buena pro recibe una alerta.
modification-value-hint = Con signo y hasta dos decimales: 15000.00 para aumentar, -2500.00 para reducir.
modification-submit = Registrar la modificación
notice-evaluation-saved = La evaluación quedó registrada.
notice-award-made = La decisión quedó registrada y se notificó a todos los postores.
notice-complaint-filed = Su apelación fue presentada.
notice-complaint-decided = La apelación quedó resuelta y se notificó al apelante.
notice-contract-recorded = El contrato quedó registrado.
notice-modification-recorded = La modificación quedó registrada.
finding-update = Cambiar estado
notice-finding-recorded = El hallazgo quedó registrado.
notice-finding-updated = El estado del hallazgo quedó registrado.
entry-documents = Documentos de la oferta
entry-no-documents = La oferta no trae documentos.
evaluation-view = Ver la oferta
email-complaint-filed-subject = Apelación contra la buena pro del lote { $lot } de { $ocid }
email-complaint-filed-body = Hola, { $name }:

    Un postor apeló la buena pro del lote { $lot } de «{ $title }» ({ $ocid }). La buena pro no queda consentida mientras la apelación no se resuelva, y debe resolverla un funcionario distinto del que la otorgó.

    Fundamentos: { $grounds }

    Para resolverla: { $link }

## Audit checkpoints
checkpoints-title = Puntos de control del registro
checkpoints-lead = Cada pocos minutos, y en cada cierre de ofertas, apertura y adjudicación, Licita resume todas las cadenas del registro de auditoría en una raíz de Merkle y la firma. Guarde un punto de control: con él cualquiera puede comprobar después que el registro no fue recortado ni reescrito desde entonces.
checkpoints-key = Clave pública de firma (Ed25519):
checkpoints-latest = Último punto de control
checkpoints-none = Aún no hay puntos de control: el registro todavía no tiene eventos.
checkpoints-facts = N.º { $id }, firmado el { $time } (hora de Lima) al { $reason }; cubre { $heads } cabezas de cadena.
checkpoints-root = Raíz:
checkpoints-download = Descargar este punto de control (JSON)
checkpoints-history = Puntos de control anteriores
checkpoints-col-id = N.º
checkpoints-col-time = Firmado
checkpoints-col-reason = Motivo
checkpoints-col-heads = Cabezas
checkpoints-col-root = Raíz
checkpoints-how = Cómo comprobarlo
checkpoints-how-cli = Con una copia del servidor y un punto de control que usted guardó: licita audit verify --against punto-de-control.json
checkpoints-how-api = Con la API: /api/v1/audit/checkpoints/{"{"}id{"}"}/proof?chain=tender:ID prueba que la cadena de una convocatoria está incluida, y /api/v1/audit/checkpoints/consistency?from=A&to=B que el punto B extiende al A sin cambiarlo.
checkpoint-reason-scheduled = cumplirse el plazo
checkpoint-reason-start = iniciarse el registro
checkpoint-reason-freeze = cerrarse la recepción de ofertas
checkpoint-reason-opening = abrirse las ofertas
checkpoint-reason-award = otorgarse una buena pro
checkpoint-reason-operator = pedirlo un operador
footer-checkpoints = Puntos de control del registro
audit-checkpoint-ok = Coincide con el punto de control n.º { $id } ({ $time }): ninguna cadena fue recortada ni reescrita hasta entonces.
audit-checkpoint-none = Aún no hay un punto de control firmado.
audit-checkpoint-broken = El registro fue alterado después del punto de control n.º { $id }:

## Bid confirmation
bid-price-hint = Escriba los miles con coma y los céntimos con punto: 450,000.50 o 450000.50.
bid-kept-legend = Documentos de su oferta vigente
bid-kept-lead = La nueva oferta los conserva, sin volver a enviarlos. Marque los que quiera quitar.
bid-kept-remove = Quitar { $name } ({ $size })
bid-confirm-title = Revise su oferta para «{ $title }»
bid-confirm-lead = Así entendimos su oferta. Ya está cifrada: nadie podrá leerla antes de la apertura. Solo cuenta cuando usted la selle aquí.
bid-confirm-prices = Precios
bid-confirm-price = Lote { $n }: { $lot }
bid-confirm-words = Son: { $words }
bid-confirm-documents = Documentos
bid-confirm-no-documents = Esta oferta no lleva documentos.
bid-reattach = Nada se guardó: vuelva a adjuntar sus archivos ({ $files }); el navegador no puede conservarlos al devolver el formulario.
bid-confirm-document-kept = conservado de su oferta n.º { $bid }
bid-confirm-document-new = nuevo
bid-confirm-declarations = Declaraciones juradas
bid-confirm-replaces = Reemplazará a su oferta n.º { $bid }.
bid-sealed-replaced = Reemplazó a su oferta n.º { $bid }, que ya no cuenta.
bid-confirm-expires = Selle antes de las { $time } (hora de Lima); después tendrá que volver a llenar el formulario.
bid-confirm-submit = Sellar y presentar mi oferta
bid-confirm-correct = Corregir (tendrá que volver a adjuntar los archivos nuevos)
bid-sealed-title = Oferta sellada: «{ $title }»
bid-sealed-lead = Su oferta n.º { $bid } fue sellada y registrada el { $time } (hora de Lima). Guarde su copia: es lo único que muestra sus precios hasta la apertura.
bid-sealed-copy = Su copia de lo que selló
bid-sealed-download = Descargar mi copia (JSON, con el recibo firmado)
bid-sealed-print = También puede imprimir esta página.
bid-sealed-again = Esta oferta ya estaba sellada; su copia se ofreció al sellarla y Licita no la guarda. Su recibo sigue en «Mis ofertas».
bid-sealed-receipt = Recibo firmado; huella (SHA-256) del sobre sellado:
bid-sealed-my-bids = Ir a Mis ofertas
my-bids-documents = { $count ->
    [one] 1 documento
   *[other] { $count } documentos
}: { $list }
my-bids-outcome-open = En curso: la convocatoria aún recibe ofertas
my-bids-outcome-withdrawn = Retirada
my-bids-outcome-superseded = Reemplazada por una oferta posterior
my-bids-outcome-awaiting-opening = Sellada: espera la apertura
my-bids-outcome-not-admitted = No admitida en la apertura
my-bids-outcome-in-evaluation = Abierta: en evaluación
my-bids-outcome-won = { $count ->
    [one] Ganó la buena pro del lote { $lots }
   *[other] Ganó la buena pro de los lotes { $lots }
}
my-bids-outcome-not-won = No ganó la buena pro
my-bids-outcome-unsuccessful = La convocatoria fue declarada desierta
my-bids-receipt-summary = Constancia firmada: recibida el { $time }, convocatoria { $ocid }, huella del sobre { $fingerprint }…
my-bids-no-documents = Sin documentos.
error-confirmation-expired = La revisión de esta oferta venció o ya no existe: vuelva a llenar el formulario.
error-document-not-in-bid = La oferta que reemplaza no tiene un documento con la huella { $sha256 }.
error-nothing-to-remove = Solo al reemplazar una oferta se pueden quitar documentos.
field-remove-documents = Documentos que quitar

## Registration without enumeration
problem-too-many-requests-seconds = Demasiados intentos seguidos. Vuelva a intentarlo en { $seconds ->
    [one] { $seconds } segundo
   *[other] { $seconds } segundos
}.
notice-supplier-check-email = Revise su correo: le enviamos un enlace para confirmar la dirección del titular. Después ingrese con su correo y su contraseña; su empresa quedará pendiente de revisión.
email-registration-attempt-subject = Intento de inscribir { $legal_name } con su correo
email-registration-attempt-body =
    Hola, { $name }:

    Alguien intentó inscribir la empresa { $legal_name } (RUC { $ruc }) en Licita con su dirección de correo, que ya tiene una cuenta.

    Si fue usted, ingrese con su cuenta: { $link }
    Si no fue usted, no tiene que hacer nada; no se creó nada.

    — Licita

## The timeline as sentences (frontend/src/pages/story.rs)
event-who = { $name } ({ $role })
event-who-system = El sistema
event-who-withheld = Una persona (se revela en la apertura)
event-a-company = una empresa
event-technical = Detalle técnico
event-other = { $who } registró un hecho.
event-tender-drafted = { $who } preparó el borrador de la convocatoria.
event-tender-updated = { $who } modificó el borrador de la convocatoria.
event-tender-document-uploaded = { $who } adjuntó el documento «{ $file }».
event-tender-published = { $who } publicó la convocatoria.
event-tender-amended = { $who } publicó una enmienda de las bases.
event-tender-enquiry-asked = { $who } hizo una consulta.
event-tender-enquiry-answered = { $who } respondió una consulta.
event-tender-enquiries-closed = { $who } cerró el plazo de consultas.
event-tender-tendering-closed = { $who } cerró el plazo de presentación de ofertas.
event-tender-bids-frozen = { $who } congeló { $count ->
    [0] los sobres: no se recibieron ofertas
    [one] el único sobre recibido
   *[other] los { $count } sobres recibidos
} y publicó su raíz de Merkle.
event-tender-opening-share-given = { $who } entregó su parte de la clave de apertura.
event-tender-opening-passphrase-refused = { $who } escribió una frase de apertura que no es la suya.
event-tender-bids-opened = { $who } abrió las ofertas con las partes de { $count ->
    [one] un miembro del comité
   *[other] { $count } miembros del comité
}.
event-tender-cancelled = { $who } canceló la convocatoria.
event-bid-submitted = { $who } presentó la oferta sellada de { $bidder }.
event-bid-replaced = { $who } reemplazó la oferta de { $bidder }.
event-bid-superseded = La oferta anterior de { $bidder } quedó reemplazada.
event-bid-withdrawn = { $who } retiró la oferta de { $bidder }.
event-bid-confirmed = { $who } confirmó la oferta de { $bidder }.
event-bid-evaluated = { $who } evaluó la oferta de { $bidder } en el lote { $lot }.
event-bid-disqualified = { $who } descalificó la oferta de { $bidder } en el lote { $lot }: { $ground }.
event-award-made = { $who } otorgó la buena pro del lote { $lot } a { $bidder } por { $amount }.
event-award-flag-raised = Se levantó la alerta «{ $flag }» sobre la buena pro del lote { $lot }.
event-award-final = La buena pro del lote { $lot } quedó consentida.
event-award-cancelled = { $who } dejó sin efecto la buena pro del lote { $lot }.
event-lot-declared-unsuccessful = { $who } declaró desierto el lote { $lot }.
event-complaint-filed = { $who } presentó una apelación sobre el lote { $lot }.
event-complaint-upheld = { $who } declaró fundada la apelación sobre el lote { $lot }.
event-complaint-dismissed = { $who } declaró infundada la apelación sobre el lote { $lot }.
event-contract-signed = { $who } registró el contrato firmado por { $amount }.
event-contract-modified = { $who } registró la modificación { $number } del contrato ({ $amount }).
event-finding-recorded = { $who } registró un hallazgo.
event-finding-updated = { $who } actualizó un hallazgo.
footer-time-zone = Las horas se muestran en hora de { $city }.
home-search-label = Buscar convocatorias
home-closing-soon = Cierran pronto
home-latest = Publicadas recientemente
home-see-all = Ver todas
home-path-search = Buscar convocatorias
home-path-search-help = Sin cuenta: lea las bases, las consultas, las actas y los contratos.
home-path-register = Inscribir mi empresa
home-path-register-help = Inscríbase con su RUC para presentar ofertas y recibir alertas.
home-path-login = Ingresar
home-path-login-help = Empresas, funcionarios de compras y auditores.
home-path-dashboard = Ir a mi panel
home-path-dashboard-help = Lo que le toca hacer ahora.
tender-glance-heading = Para ofertar
tender-glance-documents = Documentos
tender-glance-documents-count = { $count ->
    [0] Aún no hay documentos
    [one] 1 documento para descargar
   *[other] { $count } documentos para descargar
}
tender-glance-how = Cómo ofertar
tender-glance-how-supplier = Preparar y sellar mi oferta
tender-glance-how-staff = Las empresas inscritas y verificadas ofertan desde esta página.
tender-glance-how-login = Ingrese con la cuenta de su empresa
panel-work-heading = Lo que le espera
panel-flags-heading = Alertas rojas recientes
panel-work-none = Nada pendiente por ahora.
panel-work-questions = { $count ->
    [one] 1 consulta sin responder
   *[other] { $count } consultas sin responder
}
panel-work-opening = la apertura espera su parte de la clave
panel-work-evaluation = { $count ->
    [one] 1 lote por evaluar y adjudicar
   *[other] { $count } lotes por evaluar y adjudicar
}
panel-work-complaints = { $count ->
    [one] 1 apelación por resolver
   *[other] { $count } apelaciones por resolver
}
panel-work-flags = { $count ->
    [one] 1 alerta roja
   *[other] { $count } alertas rojas
}
panel-work-matching = coincide con sus alertas
panel-matching-heading = Convocatorias según sus alertas
panel-matching-none = Ninguna convocatoria abierta coincide con sus alertas (mientras no elija alertas, se usan los rubros de su empresa).
panel-matching-alerts = Elegir mis alertas
tender-lot-add = Agregar un lote
tender-lot-remove = Quitar el lote { $n }
field-classification-query = Buscar la clasificación por palabras
tender-classification-query-help = Por ejemplo «construcción», «médicos» o «telecomunicaciones»; el formulario vuelve con lo encontrado y conserva lo escrito.
tender-classification-find = Buscar en el catálogo
tender-classification-none = Ningún segmento del catálogo UNSPSC coincide con esas palabras.
tender-classification-found = Elija la clasificación
bid-withdraw-help = Si ya no quiere participar, puede retirar su oferta antes del cierre; podrá presentar otra mientras siga abierta.
breadcrumbs-label = Usted está en
opening-crumb = Apertura
bid-crumb = Mi oferta
timeline-crumb = Historial
tender-note-kept = Lo escrito quedó guardado como borrador incompleto en «Mis convocatorias»: puede completarlo ahora o después. Se convierte en borrador cuando pasa todas las revisiones (y la publicación vuelve a revisarlo todo).
tender-notes-heading = Borradores incompletos
tender-notes-help = Formularios guardados tal como se escribieron; aún no son convocatorias y solo los ve su entidad.
tender-note-untitled = (sin título)
tender-note-saved-at = guardado el { $time }

## Open data
footer-open-data = Datos abiertos
open-data-title = Datos abiertos
open-data-lead = Cada convocatoria, enmienda, respuesta, apertura, adjudicación y contrato se publica en el Estándar de Datos de Contrataciones Abiertas (OCDS 1.1.5) en el momento en que ocurre, y no se reescribe después. Cualquiera puede descargarlo y revisarlo, sin registrarse.
open-data-downloads = Descargas
open-data-formats = Un proceso de contratación por línea (su versión compilada, con todos sus hechos hasta hoy), en JSON comprimido con gzip. Se genera al descargarlo: siempre está al día.
open-data-full = Todos los procesos (full.jsonl.gz)
open-data-year = Procesos iniciados en { $year }
open-data-packages = Cada entrega (release) tal como se publicó, evento por evento: un paquete de entregas por mes, en un archivo ZIP.
open-data-month = Entregas de { $month } (ZIP)
open-data-api = Interfaz de programación (API)
open-data-api-feed = Todas las publicaciones, en orden, de 100 en 100 (siga links.next):
open-data-api-record = El registro de un proceso, con cada publicación, su versión compilada y su historia:
open-data-licence = Publica: { $publisher }. Licencia:
open-data-policy-link = Política de publicación
open-data-policy-title = Política de publicación de datos abiertos
open-data-policy-what = Se publica cada proceso desde su convocatoria: sus bases y documentos (con su huella SHA-256), sus lotes y valores referenciales, las consultas respondidas, las enmiendas con su motivo, la cancelación y su causal, la apertura de ofertas, las adjudicaciones y su estado, los contratos y cada modificación con su motivo y su efecto en el valor.
open-data-policy-when = Cada hecho se publica en la misma operación que lo registra: una publicación por hecho, con la fecha y hora del hecho, que nunca se modifica después. Las correcciones son publicaciones nuevas.
open-data-policy-withheld = Antes de la apertura de ofertas no se publica nada sobre ellas: ni precios, ni postores, ni cuántas ofertas hay. Desde la apertura se publican todas las ofertas abiertas, con su postor, su valor y su estado. Los borradores de convocatoria no se publican.
open-data-policy-ids = Cada proceso se identifica con su ocid (ocds-{ $prefix }-número); las entidades y empresas, con su RUC (esquema PE-RUC). Los datos se publican bajo la licencia { $licence }.
open-data-policy-never = No se publican datos personales de las personas usuarias (correos, teléfonos, contraseñas) ni el contenido de ofertas no abiertas.

## Transparency dashboard
footer-transparency = Transparencia
dash-title = Tablero de transparencia
dash-lead = Cómo compran las entidades públicas: cuántas convocatorias publican, cuánto adjudican, cuánta competencia reciben y cuánto ahorran. Cada cifra sale de los mismos datos que se publican en OCDS y puede recalcularse con ellos.
dash-totals = Cifras
dash-catalogue = Compras por catálogo electrónico
dash-catalogue-lead = Las órdenes de los acuerdos marco no son convocatorias: se cuentan aquí, aparte, sobre la misma entidad y los mismos días (el día en que se hizo cada orden).
dash-catalogue-orders = Órdenes hechas
dash-catalogue-quotes = De ellas, por cotización
dash-catalogue-accepted = Órdenes aceptadas (contratos)
dash-catalogue-void = Órdenes que nadie aceptó
dash-catalogue-spent = Valor de las órdenes aceptadas
dash-catalogue-list = Todas las órdenes del catálogo
dash-tenders = Convocatorias publicadas
dash-value-awarded = Valor adjudicado
dash-single-bid-rate = Lotes con una sola oferta
dash-bidders-per-lot = Postores por lote (promedio)
dash-savings = Ahorro sobre el valor estimado
dash-direct-share = Contratación directa
dash-median-days = Días de la convocatoria a la buena pro (mediana)
dash-disqualification-rate = Ofertas descalificadas
dash-complaints = Apelaciones
dash-complaints-value = { $filed } presentadas, { $upheld } fundadas
dash-flags = Alertas de riesgo
dash-flags-value = { $raised ->
    [one] 1 alerta detectada
   *[other] { $raised } alertas detectadas
}, { $justified ->
    [one] 1 justificada por escrito
   *[other] { $justified } justificadas por escrito
}
dash-by-buyer = Por entidad
dash-chart-single-bid = Porcentaje de lotes con una sola oferta, por entidad
dash-col-buyer = Entidad
dash-table-buyers = Cifras por entidad
dash-by-month = Por mes de convocatoria
dash-chart-months = Convocatorias publicadas por mes (hora de Lima)
dash-col-month = Mes
dash-table-months = Cifras por mes de convocatoria
dash-data-csv = Descargar CSV
dash-data-json = Ver los datos en JSON
dash-definitions = Cómo se calcula: el filtro elige convocatorias por su fecha de publicación y cada cifra trata de ellas y de lo que siguió. El valor adjudicado suma las buenas pro vigentes; el ahorro es (valor estimado de los lotes adjudicados − monto adjudicado) / valor estimado; la competencia cuenta las ofertas vigentes de cada lote, solo después de la apertura (antes, nada de las ofertas se muestra); la tasa de descalificación cuenta las evaluaciones de oferta y lote que la declararon no admitida.
dash-buyer-ruc = RUC { $ruc }
dash-buyer-tenders = Sus convocatorias
public-awards-title = Adjudicaciones y contratos
public-awards-lead = Cada lote decidido, del más reciente al más antiguo, con su ganador, el monto, las alertas y el contrato.
public-awards-contract = Contrato
public-awards-modified = { $value } ({ $count ->
    [one] 1 modificación
   *[other] { $count } modificaciones
})
public-awards-count = { $count ->
    [one] 1 adjudicación
   *[other] { $count } adjudicaciones
}
public-awards-none = Todavía no hay adjudicaciones.
supplier-won-title = Lo que ganó
supplier-won-from = Adjudicaciones vigentes por entidad
supplier-won-lots = Lotes
supplier-won-amount = Monto adjudicado
field-published-from = Publicadas desde
field-published-to = Publicadas hasta
field-supplier = Proveedor
error-date-before-start = «{ $field }» no puede ser anterior a la fecha de inicio.
open-data-flat = Todo en una hoja de cálculo (CSV): una fila por lote, adjudicación y contrato
error-auction-needs-bidders = Una subasta necesita al menos una oferta admitida.
error-auction-step-out-of-range = El decremento mínimo debe estar entre 0,5 % y 3 % del valor estimado del lote.
error-method-without-auction = Este método de contratación decide con los precios de las ofertas selladas: no tiene subasta electrónica (estado «{ $status }»).
error-auction-not-running = Los lances se reciben solo durante la subasta de un lote, después de la apertura (estado «{ $status }»).
error-auction-exists = Este lote ya tiene su subasta.
error-too-few-admitted-for-auction = Una subasta necesita al menos { $min } ofertas admitidas y este lote tiene { $count }: admita las ofertas en la evaluación antes de programarla. Si al final quedan menos, el lote se decide con los precios de las ofertas selladas.
error-auction-not-started = La subasta empieza el { $opens_at } (hora de Lima); antes no se recibe ningún lance.
error-auction-closed = La subasta cerró el { $closes_at } (hora de Lima); la hora del servidor al recibir su lance era { $server_time }. El lance no fue aceptado.
error-lance-step-too-small = Un lance debe bajar su propio último precio al menos en el decremento mínimo: el precio más alto que puede ofrecer ahora es { $highest }.
error-lance-below-floor = Ningún precio puede bajar de { $floor }.
error-auction-not-closed = La subasta del lote aún no cierra: se adjudica con los precios finales cuando cierre.
error-auction-required = El lote tiene al menos dos ofertas admitidas: se decide en su subasta electrónica, que aún no se ha programado.
field-opens-at = Inicio de la subasta
field-step-percent = Decremento mínimo (% del valor estimado del lote)
field-minimal-step = Decremento mínimo
field-lot = Lote
auction-title = Subasta inversa del lote { $lot }: { $tender }
auction-back = Volver a la convocatoria
auction-time-left = Quedan { $minutes } min { $seconds } s según el reloj del servidor (al cargar esta página).
auction-time-left-live = Quedan { $minutes } min { $seconds } s según el reloj del servidor.
auction-time-to-start-live = Empieza en { $minutes } min { $seconds } s según el reloj del servidor.
auction-live-on = Esta página se actualiza sola con cada lance.
auction-status-scheduled = Programada: se reciben lances desde el { $opens } hasta el { $closes } (hora de Lima).
auction-status-running = En curso: cierra el { $closes } (hora de Lima); la hora del servidor es { $server }.
auction-status-closed = Cerrada el { $closes } (hora de Lima).
auction-closing-soon = Faltan menos de cinco minutos para el cierre: un lance que mejore o iguale el mejor precio en los últimos { $extension } minutos lo prorroga.
auction-rules = Reglas: cada lance baja su propio último precio al menos en { $step }; la subasta dura { $window } minutos; un lance que mejora o iguala el mejor precio en los últimos { $extension } minutos lleva el cierre a { $extension } minutos después de él, como máximo { $times } veces; si ningún servidor estuvo activo más de { $gap } segundos, el cierre se mueve todo ese silencio. Decide el reloj del servidor.
auction-mine-heading = Su oferta
auction-mine-best = Va primero con { $price } ({ $rank }.º de { $of }; usted es el postor { $seat }).
auction-mine-tied = Está empatado en { $price } ({ $rank }.º de { $of }; va primero el precio anterior; usted es el postor { $seat }).
auction-mine-losing = No va primero: su precio es { $price } ({ $rank }.º de { $of }; usted es el postor { $seat }).
auction-lance-hint = El precio más alto que puede tener su próximo lance: { $highest }.
auction-lance-submit = Enviar el lance
auction-bidder = Postor { $letters }
auction-moves-heading = Movimientos del cierre
auction-move-extension = Prorrogado del { $from } al { $to }: un lance mejoró o igualó el mejor precio en los minutos finales.
auction-move-outage = Movido del { $from } al { $to }: ningún servidor estuvo activo por más tiempo del permitido.
auction-best = Mejor precio: { $price } tras { $lances ->
    [one] { $lances } lance
   *[other] { $lances } lances
}.
auction-ranking-heading = Orden de prelación
auction-col-rank = Puesto
auction-col-bidder = Postor
auction-col-price = Precio
notice-lance-accepted = Su lance fue aceptado y firmado; consta en el registro.
notice-auction-scheduled = La subasta está programada; los postores admitidos ven sus reglas.
tender-auctions-heading = Subasta electrónica
tender-auction-link = Subasta del lote { $lot }
tender-auction-schedule = Programar la subasta del lote { $lot }
tender-auction-schedule-submit = Programar
flag-abnormally-low-price = Precio ganador de la subasta anormalmente bajo (40 % por debajo de los precios iniciales de los demás o 30 % por debajo del siguiente)
field-flag-abnormally-low-price = Justificación: precio anormalmente bajo
auction-lot = Lote { $lot }: { $title } (valor estimado { $estimate }).
auction-time-to-start = Empieza en { $minutes } min { $seconds } s según el reloj del servidor (al cargar esta página).
error-auction-too-far = Una subasta puede empezar como máximo { $days } días después.
error-auction-scheduled = La subasta del lote está programada: sus postores son las ofertas admitidas entonces, y la admisión ya no cambia.
auction-status-cancelled = Cancelada con su convocatoria: no se recibe ningún lance.
event-auction-scheduled = { $who } programó la subasta electrónica de un lote.
event-auction-lance = { $who } envió el lance número { $number } en la subasta.
event-auction-close-moved = El cierre de la subasta se movió (una prórroga o una caída del servicio).
event-auction-closed = La subasta cerró y su acta quedó firmada.
event-auction-cancelled = La subasta terminó con la cancelación de su convocatoria, sin adjudicación ni acta final.
auction-confirm-title = Confirme el lance
auction-confirm-text = Va a bajar su precio de { $own } a { $new }: más de la quinta parte de una vez. Un lance queda firmado y no se puede retirar. ¿Es correcto el monto?
auction-confirm-submit = Sí, enviar el lance
auction-confirm-back = No, volver a la subasta
email-auction-scheduled-subject = Subasta inversa programada: lote { $lot } de «{ $title }»
email-auction-scheduled-body =
    Hola { $name }:

    La oferta de su empresa fue admitida a la subasta inversa electrónica del lote { $lot } de «{ $title }». Se reciben lances desde el { $opens } hasta el { $closes } (hora de Lima; un mejor lance en los minutos finales la prorroga). Las reglas y el formulario están en:
    { $link }
email-auction-closing-subject = Cinco minutos para el cierre: lote { $lot } de «{ $title }»
email-auction-closing-body =
    Hola { $name }:

    La subasta inversa del lote { $lot } de «{ $title }» cierra en unos cinco minutos, el { $closes } (hora de Lima), salvo que un mejor lance la prorrogue. Sígala y envíe su lance en:
    { $link }
error-lot-without-auction = Este lote no tiene subasta electrónica: se decide con los precios de las ofertas selladas.
error-auction-needs-lowest-price = El lote { $lot } no puede tener subasta electrónica: una subasta compara solo precios, y esta convocatoria se adjudica por precio y calidad. Elija el criterio de menor precio o quite la subasta del lote.
error-auction-lots-need-lowest-price = Esta convocatoria tiene lotes con subasta electrónica, que compara solo precios: mantenga el criterio de menor precio o quite la subasta de esos lotes.
error-auction-not-allowed-for-method = El lote { $lot } no puede tener subasta electrónica con este método de contratación: cámbielo o quite la subasta del lote.
field-lot-auction = Subasta electrónica de los precios
tender-lot-auction-help = Subasta electrónica: marque la casilla de un lote para que sus ofertas admitidas bajen sus precios en una subasta antes de la adjudicación (solo con el criterio de menor precio; la permiten estos métodos: { $methods }). Los lotes de una subasta inversa electrónica siempre la tienen.
tender-lot-has-auction = Con subasta electrónica de precios
error-auction-notice-too-short = La subasta debe empezar al menos { $minutes } minutos después de programarla: los postores se enteran por correo y necesitan ese tiempo.
auction-time-to-start-hours = Empieza en { $hours } h { $minutes } min { $seconds } s según el reloj del servidor (al cargar esta página).
auction-time-to-start-hours-live = Empieza en { $hours } h { $minutes } min { $seconds } s según el reloj del servidor.
auction-frame-title = La subasta en vivo
auction-frame-result = Ver el resultado de la subasta
tender-auction-opens-hint = Hora de Lima, por ejemplo 2026-12-10 10:00; con tiempo para que los postores, avisados por correo al programarla, lleguen.
award-auction-prices = Este lote se decidió en su subasta electrónica: los precios son los finales de cada postor (su oferta sellada fue el precio de partida).
error-lance-no-room = Su precio ya está a menos de un decremento mínimo de cero: no puede bajarlo más.
bid-price-auction-hint = Este lote tiene subasta electrónica: si su oferta es admitida, este precio es su precio de partida y luego podrá bajarlo en la subasta.

# The electronic catalogue of the framework agreements.
nav-catalogue = Catálogo
catalogue-title = Catálogo electrónico
catalogue-lead = Bienes comunes de los acuerdos marco vigentes, con el precio, el stock y los días de entrega de cada proveedor seleccionado. La oferta más barata va primero.
catalogue-q-hint = Producto, marca, modelo o característica, por ejemplo «core i5 lenovo».
catalogue-all-categories = Todas las categorías
catalogue-all-departments = Todos los departamentos
catalogue-search = Buscar en el catálogo
catalogue-count = { $total ->
    [one] 1 oferta
   *[other] { $total } ofertas
}
catalogue-none = Ninguna oferta vigente coincide con la búsqueda.
catalogue-product = Producto
catalogue-brand-model = Marca y modelo
catalogue-supplier = Proveedor
catalogue-delivery = Entrega
catalogue-days-to = { $department }: { $days ->
    [one] 1 día
   *[other] { $days } días
}
catalogue-status = Estado
catalogue-my-offers = Mis ofertas del catálogo
catalogue-my-offers-lead = Actualice el stock cuando quiera y baje sus precios cuando quiera. Un alza de precio necesita su motivo y tiene un límite: las reglas del acuerdo se muestran en cada oferta.
catalogue-my-offers-none = Su empresa no tiene ofertas en ningún acuerdo marco.
catalogue-back = ← Volver al catálogo
catalogue-category = Categoría
catalogue-unit = Unidad
catalogue-unspsc = Código UNSPSC
catalogue-agreement = Acuerdo marco
catalogue-ocid = Identificador OCDS
catalogue-in-force = Vigencia (hora de Lima)
catalogue-attributes = Ficha técnica: lo que toda oferta debe cumplir
catalogue-spread = { $offers ->
    [one] Precio unitario de la única oferta disponible: { $lowest }.
   *[other] Precio unitario de las { $offers } ofertas disponibles: el más bajo { $lowest }, la mediana { $median }, el más alto { $highest }.
}
catalogue-no-orderable = Ninguna oferta de este producto se puede pedir ahora.
catalogue-offers = Ofertas
catalogue-min-order = Pedido mínimo
catalogue-history = Historial de precios y stock
catalogue-when = Fecha (hora de Lima)
catalogue-version = Versión
catalogue-increase-from = Podrá subir el precio desde el { $date } (hora de Lima); bajarlo, ahora.
catalogue-increase-up-to = Ahora puede subir el precio hasta { $highest }, con su motivo; bajarlo, cuando quiera.
catalogue-offer-now = Ahora: { $price } por unidad, { $stock } en stock, versión { $version } ({ $status }).
catalogue-price-hint = En soles, por ejemplo 2,849.00 o 2849.00.
catalogue-save = Guardar la oferta
notice-offer-saved = La oferta quedó guardada como una nueva versión.
offer-status-active = disponible
offer-status-out-of-stock = sin stock
offer-status-supplier-sanctioned = proveedor sancionado
offer-status-agreement-not-in-force = acuerdo no vigente
field-unit-price = Precio unitario
field-stock = Stock (unidades)
field-version = Versión
field-min-price = Precio mínimo
field-max-price = Precio máximo
field-offer = Oferta
field-ends-at = Fin de la vigencia
field-parties = Proveedores del acuerdo
field-product = Producto
error-agreement-not-in-force = El acuerdo marco de esta oferta no está vigente: la oferta no se puede cambiar.
error-offer-changed = La oferta cambió mientras usted la editaba: ahora es la versión { $version }. Revise el precio y el stock actuales y guarde de nuevo.
error-reason-required-for-increase = Un alza de precio necesita su motivo: escríbalo en «{ $field }».
error-price-increase-too-soon = Ya subió este precio hace menos de { $days } días: podrá subirlo de nuevo desde el { $date }. Bajarlo sí puede, ahora.
error-price-increase-too-large = Un alza no puede pasar del { $max } % del precio actual: lo más alto que puede poner ahora es { $highest }.
error-max-below-min = «{ $field }» es menor que el precio mínimo.
error-not-central-purchasing = Solo una central de compras puede llevar acuerdos marco.
error-agreement-term = La vigencia de un acuerdo marco termina después de su inicio y dura a lo más { $months } meses.
error-participants-out-of-range = Un acuerdo marco tiene entre { $min } y { $max } proveedores.
error-party-not-verified = Todos los proveedores del acuerdo deben estar verificados en el registro.
error-unknown-product = El producto «{ $code }» no está en el catálogo del acuerdo.
field-quantity = Cantidad
field-offer-id = Oferta elegida
field-quote-days = Días hábiles para cotizar
field-order = Pedido
error-no-offer-delivers = Ninguna oferta disponible entrega esa cantidad en ese departamento (con stock y pedido mínimo alcanzado).
error-offer-not-eligible = La oferta elegida no puede atender este pedido: elija una de la lista.
error-quotes-choose-no-offer = Un pedido de este monto se cotiza entre todos los proveedores: no se elige una oferta.
error-reason-required-for-choice = Eligió una oferta más cara que la más baja: escriba el motivo en «{ $field }»; se publica con el pedido.
error-quote-above-catalogue = Su cotización no puede pasar de su precio del catálogo, { $highest }.
error-quotes-closed = La cotización de este pedido ya cerró.
error-not-your-turn = Este pedido no espera la respuesta de su empresa.
error-acceptance-lapsed = Venció el plazo para aceptar este pedido: pasó al siguiente proveedor.
error-stock-short = Su stock ({ $stock }) no alcanza para este pedido: actualícelo o rechace el pedido.
error-invalid-answer = «{ $field }» debe ser aceptar o rechazar.
error-order-not-accepted = El pedido aún no fue aceptado por un proveedor.
error-already-delivered = La entrega de este pedido ya está registrada.
error-not-delivered = Registre primero la entrega del pedido.
error-already-conformed = La conformidad de este pedido ya está registrada.
order-choose-department = Elija el departamento
order-compare = Comparar ofertas
order-start = Pedir este producto
order-start-lead = Indique dónde y cuántas unidades: verá las ofertas que pueden atender el pedido, con el total y los días de entrega.
order-title = Pedido del catálogo
order-heading = Pedido de { $product }
order-lead-direct = Por debajo de { $threshold } el pedido va directo al precio más bajo que entrega allí. Puede elegir otra oferta escribiendo el motivo, que se publica. El proveedor tiene dos días hábiles para aceptar; si no, el pedido pasa al siguiente.
order-lead-quotes = Desde { $threshold } el pedido se cotiza: se invita a los { $suppliers } proveedores que entregan allí, cada uno cotiza a lo más su precio del catálogo y gana la cotización más baja.
order-choice = Elección
order-choose = Elegir esta oferta
order-may-take = Puede atender el pedido
order-total = Total del pedido
order-days = { $days ->
    [one] 1 día
   *[other] { $days } días
}
order-refusal-not-orderable = No se puede pedir ahora
order-refusal-no-delivery = No entrega en ese departamento
order-refusal-stock-short = Stock insuficiente
order-refusal-below-min-order = No alcanza su pedido mínimo
order-reason-hint = Solo si no eligió la oferta más baja: por qué (se publica con el pedido).
order-quote-days-hint = De 2 a 10 días hábiles.
order-submit-direct = Emitir la orden de compra
order-submit-quotes = Pedir cotizaciones
order-officers-only = Solo los funcionarios de una entidad pública emiten pedidos; cualquiera puede comparar.
orders-title = Pedidos del catálogo
orders-lead = Cada compra hecha en el catálogo electrónico: quién compró, qué, a quién y a qué precio.
orders-order = Pedido
orders-buyer = Entidad
orders-none = Todavía no hay pedidos.
orders-back = ← Todos los pedidos
order-product-link = Ficha del producto
order-agreement-link = Acuerdo marco
order-open-data = Datos abiertos de la orden (OCDS)
order-late = entrega tardía
order-late-note = La entrega de este pedido está atrasada respecto de su fecha.
order-page-heading = Pedido de { $quantity } × { $product }
order-kind = Modalidad
order-kind-direct = Pedido directo
order-kind-quotes = Con cotizaciones
order-quotes-close = Cierre de cotizaciones (hora de Lima)
order-accept-by = Plazo para aceptar (hora de Lima)
order-delivery-due = Entrega comprometida (hora de Lima)
order-delivered = Entregado (hora de Lima)
order-conformity = Conformidad (hora de Lima)
order-choice-reason = Motivo de no elegir el precio más bajo:
order-rank = Turno
order-outcome = Respuesta
order-outcome-accepted = aceptó
order-outcome-declined = rechazó
order-outcome-lapsed = no respondió a tiempo
order-outcome-barred = excluido: su oferta ya no puede pedirse (suspendido o sancionado)
order-outcome-turn = debe responder
order-quote-sealed = cotizó (reservado hasta el cierre)
order-candidates = Proveedores del pedido
order-your-turn = Este pedido espera la respuesta de su empresa. Al aceptarlo se descuenta su stock y el pedido es un contrato; al rechazarlo pasa al siguiente proveedor y no vuelve.
order-accept = Aceptar el pedido
order-decline = Rechazar el pedido
order-quote-lead = Su empresa está invitada a cotizar: a lo más su precio del catálogo. Puede cambiar su cotización hasta el cierre; nadie la ve antes.
order-quote-submit = Enviar la cotización
order-record-delivery = Registrar la entrega
order-record-conformity = Registrar la conformidad
order-status-quoting = en cotización
order-status-awaiting-acceptance = espera la aceptación del proveedor
order-status-accepted = aceptado (contrato)
order-status-void = sin proveedor (desierto)
notice-order-placed = El pedido quedó registrado.
notice-quote-saved = Su cotización quedó registrada.
notice-order-answered = Su respuesta quedó registrada.
notice-order-recorded = Quedó registrado.
catalogue-rules = Reglas de precio
catalogue-change = Cambiar
order-flags = Alertas
order-flag-split-order = Posible fraccionamiento: pedidos directos de la misma entidad y el mismo producto, cercanos en el tiempo, que juntos llegan al monto que exige cotizar.
order-flag-above-median = Precio unitario por encima de la mediana del catálogo más de lo permitido.
order-flag-not-lowest = No se eligió el precio más bajo (el motivo está publicado).
order-flag-supplier-share = Este proveedor concentra una parte excesiva de los pedidos de la entidad.
error-choice-needs-quotes = A precio de la oferta elegida el pedido llega a { $threshold }: un pedido de ese monto se cotiza. Elija la oferta más baja o pida menos unidades.
error-not-a-quote-request = Este pedido es directo: no recibe cotizaciones.
error-order-not-awaiting = Este pedido ya no espera respuesta ({ $status }).
error-offer-not-orderable = Su oferta no se puede pedir ahora: el acuerdo no está vigente, su empresa está sancionada o suspendida del acuerdo, o no tiene stock.
order-status-delivered = entregado
order-status-conformed = entregado y conforme
order-quotes-received = { $count ->
    [0] Aún no hay cotizaciones.
    [one] 1 cotización recibida (quién cotizó y a qué precio se conoce al cierre).
   *[other] { $count } cotizaciones recibidas (quién cotizó y a qué precio se conoce al cierre).
}
order-your-quote = Su cotización: { $price } por unidad (total { $total }). Puede cambiarla hasta el cierre.
order-awaiting-supplier = { $supplier } (debe aceptar)
order-no-offer = Ninguna oferta puede atender este pedido: pida menos unidades o elija otro departamento.
order-created = Fecha del pedido (hora de Lima)
order-median-at-order = Mediana del catálogo al hacer el pedido (precio unitario)
catalogue-no-minimum = sin mínimo
order-pending-title = Pedidos que esperan a su empresa
order-pending-none = Ningún pedido espera su respuesta ni su cotización.
order-pending-answer = Aceptar o rechazar hasta el { $deadline }
order-pending-quote = Cotizar hasta el { $deadline }

## Acuerdos marco: la lista, un acuerdo, la suspensión de sus proveedores
offer-status-suspended-from-agreement = proveedor suspendido del acuerdo
catalogue-agreements-link = Los acuerdos marco y sus proveedores
agreements-title = Acuerdos marco
agreements-lead = Cada acuerdo marco selecciona, por un plazo, a los proveedores cuyas ofertas forman el catálogo electrónico. Su central de compras puede suspender a un proveedor del acuerdo, con fecha y motivo públicos: mientras dure, sus ofertas no pueden pedirse.
agreements-back = ← Todos los acuerdos marco
agreement-col-title = Acuerdo marco
agreement-central-body = Central de compras
agreement-term = Vigencia
agreement-in-force = vigente
agreement-not-in-force = no vigente
agreement-participants = Proveedores admitidos por el acuerdo
agreement-participants-range = entre { $min } y { $max }
agreement-products = Fichas de producto
agreement-orders = Órdenes hechas
agreement-parties = Proveedores del acuerdo
agreement-admitted = Admitido
agreement-offers = Ofertas
agreement-standing = Situación
agreement-party-in-good-standing = Habilitado: sus ofertas pueden pedirse.
agreement-party-suspended = Suspendido hasta el { $until } inclusive: { $reason }
agreement-lift-submit = Levantar la suspensión
agreement-past-suspensions = Suspensiones anteriores
agreement-past-suspension = { $supplier }: suspendido desde { $from } hasta el { $until } inclusive. Motivo: { $reason }
agreement-lifted = Levantada antes: { $reason }
agreement-choose-party = — Elija un proveedor —
agreement-suspend-heading = Suspender a un proveedor del acuerdo
agreement-suspend-lead = La suspensión rige desde ahora hasta el final del día que indique (a más tardar, el fin del acuerdo). El motivo se publica con ella y en los datos abiertos del acuerdo.
agreement-suspend-submit = Suspender
agreement-open-data = Datos abiertos del acuerdo (OCDS)
notice-party-suspended = El proveedor quedó suspendido del acuerdo; sus ofertas ya no pueden pedirse.
notice-party-reinstated = Se levantó la suspensión; las ofertas del proveedor pueden pedirse de nuevo.
field-suspended-until = Suspendido hasta (inclusive)
field-lift-reason = Motivo para levantarla
error-not-a-party = Elija en «{ $field }» uno de los proveedores del acuerdo.
error-after-agreement-end = «{ $field }» no puede pasar del fin del acuerdo, el { $end }.
error-party-already-suspended = Ese proveedor ya está suspendido del acuerdo: levante su suspensión antes de registrar otra.
error-suspension-not-in-force = Esa suspensión ya no rige: terminó o se levantó.

## Correo a los proveedores del catálogo
email-catalogue-quote-request-subject = Solicitud de cotización: { $quantity } × { $product }
email-catalogue-quote-request-body = Hola, { $name }:

    { $buyer } pide cotizar { $quantity } × { $product }, con entrega en { $department }. Su empresa está invitada porque su oferta del catálogo entrega allí.

    Puede cotizar hasta el { $deadline } (hora de Lima), a lo más su precio del catálogo; las cotizaciones quedan selladas hasta el cierre y gana la más baja.

    { $link }
email-catalogue-your-turn-subject = Una orden de compra espera su aceptación: { $quantity } × { $product }
email-catalogue-your-turn-body = Hola, { $name }:

    Le toca aceptar o rechazar la orden de { $buyer } por { $quantity } × { $product }, con entrega en { $department }.

    Tiene hasta el { $deadline } (hora de Lima); si no responde, la orden pasa al siguiente proveedor.

    { $link }
email-catalogue-suspended-subject = Su empresa fue suspendida del acuerdo marco
email-catalogue-suspended-body = Hola, { $name }:

    La central de compras suspendió a su empresa del { $agreement } hasta el { $until } inclusive. Motivo: { $reason }

    Mientras dure, sus ofertas del catálogo no pueden pedirse y los pedidos que esperaban su aceptación pasan al siguiente proveedor. La suspensión y su motivo son públicos.

    { $link }
email-catalogue-reinstated-subject = Se levantó la suspensión de su empresa del acuerdo marco
email-catalogue-reinstated-body = Hola, { $name }:

    La central de compras levantó la suspensión de su empresa del { $agreement }. Motivo: { $reason }

    Sus ofertas del catálogo pueden pedirse de nuevo.

    { $link }
