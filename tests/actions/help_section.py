"""Mi Aval's help section (https://mi.aval.com.ar/ayuda), fact by fact, as claims the meaning checker reads.

The 23 facts are those of issue #10's "The help section, as facts" and the
help page's own questions (free for final clients and intermediaries; why sign
in with a social network; a Facebook account with a Gmail address, even with
the same e-mail; deleting the account and registering again with the same or
another e-mail; other intermediaries). Each fact names the responses that must
state it and wrong answers (a contradiction, a bent condition) that must fail.
Aval's own data (the FAQ page) comes from the demo portfolio.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.actions.meaning import Claim, Fact

ROOT = Path(__file__).resolve().parents[2]
BROKER = yaml.safe_load((ROOT / "demo" / "portfolio.yml").read_text(encoding="utf-8"))["broker"]

FACTS: tuple[Fact, ...] = (
    Fact(
        key="what_is_mi_aval",
        says="Mi Aval is Aval's self-service, an app and a portal used from any device.",
        responses=("utter_faq/what_is_mi_aval",),
        claims=(
            Claim(r"autoservicio", condition=(r"de aval",)),
            Claim(r"una app y un portal", condition=(r"cualquier dispositivo",)),
        ),
        wrong=(
            "Mi Aval es una aseguradora: te vende seguros por una app para el celular.",
            "Mi Aval es el autoservicio de Aval, una app y un portal, pero no funciona desde cualquier dispositivo.",
        ),
    ),
    Fact(
        key="cost",
        says="Mi Aval is free: no cost for final clients nor for intermediaries.",
        responses=("utter_faq/cost",),
        claims=(
            Claim(r"gratuit|gratis"),
            Claim(r"\bcosto", holds=False, condition=(r"clientes", r"intermediarios")),
        ),
        wrong=(
            "Mi Aval es gratuito para los clientes; los intermediarios tienen un costo mensual.",
            "Mi Aval es gratis: no tiene costo para los clientes.",
            "Mi Aval no es gratuito, aunque no tiene costo para clientes ni intermediarios el primer mes.",
        ),
        contradicted_by=(r"intermediarios (pagan|abonan)",),
    ),
    Fact(
        key="portfolio_system",
        says="Mi Aval reads Aval's portfolio management system, which is integrated with the insurers.",
        responses=("utter_faq/how_it_works",),
        claims=(Claim(r"sistema de gestión de cartera", condition=(r"integrado con las aseguradoras",)),),
        wrong=("Mi Aval se conecta directo con el portal de cada aseguradora, no con el sistema de Aval.",),
    ),
    Fact(
        key="only_requirement",
        says="The only requirement is that the policies were placed through Aval or one of its producers (PAS).",
        responses=("utter_faq/how_it_works", "utter_link_failed"),
        claims=(Claim(r"a través de aval", condition=(r"a través de aval o de uno de sus productores",)),),
        wrong=(
            "No hace falta que tus pólizas se hayan contratado a través de Aval o de uno de sus productores.",
            "El único requisito es que las pólizas se hayan contratado a través de Aval.",
        ),
        contradicted_by=(r"cualquier (aseguradora|compañía|productor)",),
    ),
    Fact(
        key="security",
        says="It meets security requirements and the personal data protection law.",
        responses=("utter_faq/security",),
        claims=(
            Claim(r"requisitos de seguridad"),
            Claim(r"ley 25\.326", condition=(r"protegid",)),
        ),
        wrong=(
            "Mi Aval no cumple requisitos de seguridad especiales, pero tus datos están protegidos por la Ley 25.326.",
            "Cumple con los requisitos de seguridad.",
        ),
    ),
    Fact(
        key="benefits",
        says="Policies of several insurers in one place, without entering each insurer's portal.",
        responses=("utter_faq/benefits",),
        claims=(
            Claim(r"un solo lugar", condition=(r"distintas aseguradoras",)),
            Claim(r"portal de cada aseguradora", holds=False),
        ),
        wrong=(
            "Tenés tus pólizas de distintas aseguradoras en un solo lugar, "
            "pero igual tenés que entrar al portal de cada aseguradora para gestionarlas.",
        ),
    ),
    Fact(
        key="create_account",
        says="An account is created with a social network profile or with an e-mail.",
        responses=("utter_faq/create_account", "utter_faq/how_it_works"),
        claims=(Claim(r"creás tu cuenta", condition=(r"red social", r"e-mail")),),
        wrong=(
            "Creás tu cuenta solo con tu e-mail, no con una red social.",
            "Creás tu cuenta con una red social.",
        ),
    ),
    Fact(
        key="why_social_sign_in",
        says="With a social network you sign in without another password; Mi Aval takes only name and e-mail.",
        responses=("utter_faq/create_account",),
        claims=(
            Claim(r"contraseña", holds=False, condition=(r"red social",)),
            Claim(r"tu nombre y tu e-mail", condition=(r"solo",)),
        ),
        wrong=(
            "Con una red social igual tenés que crear una contraseña nueva, y Mi Aval toma solo tu nombre y tu e-mail.",
            "Con una red social entrás sin crear otra contraseña y Mi Aval toma tus datos.",
        ),
    ),
    Fact(
        key="same_email_links_itself",
        says="At sign-in every client profile with the same e-mail is linked automatically.",
        responses=("utter_faq/how_it_works",),
        claims=(Claim(r"mismo e-mail", condition=(r"se vinculan solos",)),),
        wrong=(
            "Los perfiles de cliente con tu mismo e-mail no se vinculan solos: los vinculás uno por uno.",
            "Al ingresar, los perfiles con tu mismo e-mail los vinculás vos.",
        ),
    ),
    Fact(
        key="link_with_document_and_policy",
        says="Other profiles are linked with the client's DNI, CUIL or CUIT and the number of one policy in force.",
        responses=("utter_faq/how_it_works",),
        claims=(Claim(r"dni, cuil o cuit", condition=(r"número de una póliza vigente",)),),
        wrong=(
            "Los demás los vinculás con el DNI, CUIL o CUIT del cliente y el número de cualquier póliza suya.",
            "Los demás no se vinculan con el DNI, CUIL o CUIT ni con el número de una póliza vigente.",
        ),
        contradicted_by=(r"aunque (esté|este) vencida",),
    ),
    Fact(
        key="client_profile",
        says="A client profile is the data and policies of a person or company insured in Aval's portfolio.",
        responses=("utter_faq/what_is_client_profile",),
        claims=(Claim(r"perfil de cliente es", condition=(r"pólizas de una persona o empresa",)),),
        wrong=("Un perfil de cliente es tu usuario para entrar a Mi Aval.",),
    ),
    Fact(
        key="removing_a_profile_only_unlinks",
        says="Removing a client profile only unlinks it; the client is not deleted.",
        responses=("utter_faq/remove_profile_effect",),
        claims=(
            Claim(r"solo lo desvincula", condition=(r"quitar un perfil de cliente",)),
            Claim(r"siguen en aval"),
        ),
        wrong=(
            "Sí: quitar un perfil de cliente lo borra de Aval junto con sus pólizas.",
            "Quitar un perfil de cliente no solo lo desvincula: el cliente y sus pólizas no siguen en Aval.",
        ),
        contradicted_by=(r"lo (borra|elimina)",),
    ),
    Fact(
        key="cancellation_by_executives_with_written_confirmation",
        says="Clients and policies are cancelled only by Aval's executives, with the insured's written confirmation.",
        responses=("utter_faq/remove_profile_effect", "utter_cancel_requested", "utter_cancel_already_requested"),
        claims=(
            Claim(r"confirmación por escrito", condition=(r"del asegurado",)),
            Claim(r"(ejecutivo|persona del equipo) de aval"),
        ),
        wrong=(
            "Una persona del equipo de Aval la da de baja. No hace falta la confirmación por escrito del asegurado.",
            "Una persona del equipo de Aval la da de baja con tu confirmación por escrito.",
            "La baja la hacés vos desde el chat, con la confirmación por escrito del asegurado.",
        ),
        contradicted_by=(r"tu confirmación por escrito",),
    ),
    Fact(
        key="social_data",
        says="From a social network, only the name and the e-mail are used.",
        responses=("utter_faq/social_data", "utter_faq/social_posting"),
        claims=(Claim(r"tu nombre y tu e-mail", condition=(r"solo",)),),
        wrong=(
            "Mi Aval toma tu nombre y tu e-mail, tu foto de perfil y tus contactos.",
            "No solo tomamos tu nombre y tu e-mail.",
        ),
        contradicted_by=(r"foto|contactos|amigos",),
    ),
    Fact(
        key="nothing_is_posted",
        says="Nothing is posted on the user's social networks.",
        responses=("utter_faq/social_posting", "utter_faq/social_data"),
        claims=(Claim(r"publica", holds=False),),
        wrong=("Publicamos en tus redes sociales solo cuando hacés un trámite.",),
    ),
    Fact(
        key="unlink_social_in_mi_cuenta",
        says="A social network is unlinked from «Mi Cuenta».",
        responses=("utter_faq/unlink_social",),
        claims=(Claim(r"desvincul", condition=(r'"mi cuenta"',)),),
        wrong=(
            "La desvinculás desde la configuración de tu red social, no desde «Mi Cuenta».",
            "La desvinculás desde la configuración de tu red social.",
        ),
    ),
    Fact(
        key="facebook_with_gmail",
        says="Registered with Facebook with a Gmail address (even the same e-mail): no Google sign-in "
        "until Google is linked from «Mi Cuenta».",
        responses=("utter_faq/google_with_facebook",),
        claims=(
            Claim(
                r"entrar con google",
                holds=False,
                condition=(r"mismo e-mail", r'hasta que vincules google desde "mi cuenta"'),
            ),
        ),
        wrong=(
            "Sí: como es el mismo e-mail, podés entrar con Google.",
            "No vas a poder entrar con Google hasta que vincules Google desde «Mi Cuenta».",
            "Si te registraste con Facebook con un Gmail, podés entrar con Google aunque sea el mismo e-mail, "
            "hasta que vincules Google desde «Mi Cuenta».",
        ),
        contradicted_by=(r"es la misma cuenta",),
    ),
    Fact(
        key="unverified_email",
        says="With the e-mail unverified: no linking client profiles, no claims, only the help section.",
        responses=("utter_faq/unverified_email",),
        claims=(
            Claim(r"sección de ayuda", condition=(r"solo",)),
            Claim(r"vincular perfiles", holds=False),
            Claim(r"siniestros", holds=False),
        ),
        wrong=(
            "Aunque no verifiques tu e-mail, podés vincular perfiles de cliente y denunciar siniestros. "
            "Solo la sección de ayuda queda igual.",
            "Hasta que lo verifiques solo podés usar la sección de ayuda y vincular perfiles; no podés denunciar "
            "siniestros.",
        ),
    ),
    Fact(
        key="no_confirmation_email",
        says="No confirmation e-mail: check spam, register again, or contact Aval.",
        responses=("utter_faq/no_confirmation_email",),
        claims=(Claim(r"spam"), Claim(r"registrate de nuevo"), Claim(r"contactá a aval")),
        wrong=("Revisá el spam. No hace falta que te registres de nuevo ni que contactes a Aval: esperá.",),
    ),
    Fact(
        key="deleting_the_account",
        says="Deleting the account loses the linked client profiles: registering again, with the same or "
        "another e-mail, they must be linked again.",
        responses=("utter_faq/delete_account_effect", "utter_ask_confirm_delete", "utter_account_deleted"),
        claims=(
            Claim(r"se (pierden|perdieron) los perfiles"),
            Claim(r"vincul\w* de nuevo|vincul\w* tus perfiles de nuevo", condition=(r"mismo e-mail o con otro",)),
        ),
        wrong=(
            "Si borrás tu cuenta se pierden los perfiles, pero si te registrás con el mismo e-mail vuelven solos.",
            "Se pierden los perfiles vinculados. Si te registrás de nuevo con el mismo e-mail o con otro, "
            "no los tenés que vincular de nuevo.",
            "No se pierden los perfiles de cliente vinculados.",
        ),
        contradicted_by=(r"vuelven solos",),
    ),
    Fact(
        key="intermediaries",
        says="Producers, accountants, HR and other intermediaries may use it to manage their clients.",
        responses=("utter_faq/intermediaries",),
        claims=(
            Claim(
                r"gestionar los seguros de (todos )?tus clientes",
                condition=(r"productor", r"contador", r"rrhh", r"otro intermediario"),
            ),
        ),
        wrong=(
            "Solo si sos productor podés gestionar los seguros de tus clientes; contadores y RR. HH. no.",
            "Si sos productor, contador, trabajás en RR. HH. o sos otro intermediario, "
            "no podés gestionar los seguros de tus clientes.",
        ),
    ),
    Fact(
        key="producers_special_user",
        says="Producers (PAS) working with Aval can ask for a special user with reports.",
        responses=("utter_faq/intermediaries",),
        claims=(Claim(r"usuario especial", condition=(r"reportes", r"productor")),),
        wrong=("Los productores no pueden pedir un usuario especial con reportes.",),
    ),
    Fact(
        key="more_information",
        says="More information: coverage and claims FAQ on Aval's site, and Aval's contact channel and hours.",
        responses=("utter_faq/more_information",),
        claims=(
            Claim(r"preguntas frecuentes", condition=(r"coberturas y siniestros",)),
            Claim(re.escape(BROKER["faq_url"])),
        ),
        wrong=("No hay preguntas frecuentes sobre coberturas y siniestros: consultá a tu aseguradora.",),
    ),
)
