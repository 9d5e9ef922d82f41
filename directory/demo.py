"""Demo directories and information pages, written through the API's own functions."""

from __future__ import annotations

from directory.actions import write_contact, write_info_page
from directory.schemas import ContactIn, ContactMethodIn, InfoPageIn

# number -> [(name, title, [(kind, value, label)])], in directory order.
CONTACTS = {
    5201: [
        (
            "Jean Tremblay",
            "Propriétaire",
            [
                ("mobile", "514 555-0142", "Cellulaire"),
                ("phone", "514 555-0100 poste 21", "Bureau"),
                ("email", "jean.tremblay@example.com", ""),
            ],
        ),
        (
            "Marc-André Gagnon",
            "Technicien (urgences)",
            [
                ("mobile", "438 555-0117", "Cellulaire"),
                ("sms", "438 555-0117", "Texto"),
            ],
        ),
        (
            "Karine Lefebvre",
            "Technicienne",
            [
                ("mobile", "438 555-0163", "Cellulaire"),
                ("sms", "438 555-0163", "Texto"),
            ],
        ),
        (
            "Patrick Côté",
            "Technicien",
            [
                ("mobile", "514 555-0188", "Cellulaire"),
                ("pager", "514 555-0189", "Téléavertisseur"),
            ],
        ),
        (
            "Nathalie Bergeron",
            "Adjointe administrative",
            [
                ("phone", "514 555-0100 poste 10", "Bureau"),
                ("email", "nathalie.bergeron@example.com", ""),
            ],
        ),
        (
            "Bureau",
            "Réception des messages",
            [
                ("email", "bureau@example.com", "Messages de jour"),
                ("phone", "514 555-0100", "Ligne principale"),
                ("fax", "514 555-0101", "Télécopieur"),
            ],
        ),
        (
            "Marie Dubois",
            "Technicienne (garde)",
            [
                ("mobile", "438 555-0121", "Cellulaire"),
                ("email", "marie.dubois@example.com", ""),
            ],
        ),
        (
            "Luc Gagnon",
            "Technicien (garde)",
            [
                ("mobile", "438 555-0129", "Cellulaire"),
                ("email", "l.gagnon@example.com", ""),
            ],
        ),
    ],
    5202: [
        (
            "Dr. Sarah Goldberg",
            "Family physician, medical director",
            [
                ("mobile", "514 555-0134", "Cell"),
                ("email", "s.goldberg@example.com", ""),
            ],
        ),
        (
            "Dr. Ahmed Benali",
            "Family physician",
            [
                ("mobile", "438 555-0156", "Cell"),
                ("pager", "514 555-0177", "Pager"),
            ],
        ),
        (
            "Dr. Émilie Fortin",
            "Pediatrician",
            [
                ("mobile", "438 555-0121", "Cell"),
                ("email", "e.fortin@example.com", ""),
            ],
        ),
        (
            "Nurse line",
            "Triage nurse on duty",
            [
                ("phone", "514 555-0150 ext. 2", "Nurse line"),
                ("sms", "438 555-0150", "Text"),
            ],
        ),
        (
            "Linda Park",
            "Clinic manager",
            [
                ("phone", "514 555-0150 ext. 5", "Office"),
                ("mobile", "514 555-0192", "Cell"),
                ("email", "l.park@example.com", ""),
            ],
        ),
        (
            "Front desk",
            "Appointments and prescriptions",
            [
                ("phone", "514 555-0150", "Main line"),
                ("fax", "514 555-0151", "Fax"),
                ("email", "frontdesk@example.com", ""),
            ],
        ),
        (
            "Pharmacy liaison",
            "Prescription renewals",
            [
                ("fax", "514 555-0158", "Fax"),
                ("email", "pharmacy@example.com", ""),
            ],
        ),
    ],
    7300: [
        (
            "Sylvain Lavoie",
            "Président",
            [
                ("mobile", "450 555-0110", "Cellulaire"),
                ("email", "sylvain.lavoie@example.com", ""),
            ],
        ),
        (
            "Julie Ouellet",
            "Répartitrice",
            [
                ("phone", "450 555-0100 poste 2", "Bureau"),
                ("email", "repartition@example.com", "Répartition"),
            ],
        ),
        (
            "Éric Pelletier",
            "Technicien en chauffage (garde)",
            [
                ("mobile", "438 555-0145", "Cellulaire"),
                ("sms", "438 555-0145", "Texto"),
            ],
        ),
        (
            "Dominic Girard",
            "Technicien en chauffage",
            [
                ("mobile", "514 555-0171", "Cellulaire"),
                ("pager", "514 555-0172", "Téléavertisseur"),
            ],
        ),
        (
            "Stéphanie Morin",
            "Service à la clientèle",
            [
                ("phone", "450 555-0100 poste 4", "Bureau"),
                ("email", "service@example.com", ""),
            ],
        ),
    ],
}

# number -> [(title, Markdown body)]
INFO_PAGES = {
    5201: [
        (
            "Accueil téléphonique",
            """\
## Formule d'accueil

> « Plomberie Saint-Laurent, bonjour! Ici *(prénom)*, comment puis-je vous aider? »

En anglais : *"Saint-Laurent Plumbing, good morning, this is (name), how may I help you?"*

## À noter pour chaque appel

1. Nom et numéro de téléphone de l'appelant (répéter le numéro).
2. Adresse complète des travaux, avec l'intersection la plus proche.
3. Nature du problème : fuite, refoulement, chauffe-eau, drain bouché, autre.
4. Est-ce un client existant? Si oui, son numéro de client.
""",
        ),
        (
            "Procédure d'urgence",
            """\
## Qu'est-ce qu'une urgence?

- Fuite d'eau **active** qu'on ne peut pas fermer;
- Refoulement d'égout;
- Plus d'eau chaude dans un immeuble à logements;
- Tuyau gelé ou éclaté.

## Marche à suivre

1. Appeler le technicien de garde (voir l'horaire de garde).
2. Sans réponse après **10 minutes**, appeler Jean Tremblay au cellulaire.
3. Toujours envoyer le message par courriel au bureau (bureau@example.com).

**Ne jamais** donner de prix au téléphone.
""",
        ),
        (
            "Heures d'ouverture",
            """\
| Jour | Heures |
|---|---|
| Lundi au vendredi | 7 h 30 à 17 h |
| Samedi | 8 h à 12 h (urgences seulement) |
| Dimanche et jours fériés | Fermé, urgences seulement |

En dehors des heures, prendre le message et suivre la *procédure d'urgence*.
""",
        ),
        (
            "Règles de répartition",
            """\
## Jour (7 h 30 à 17 h)

Messages par courriel au bureau; appels urgents transférés à Nathalie Bergeron.

## Soir, nuit et fin de semaine

- Urgences : technicien de garde, par cellulaire puis texto.
- Non urgent : message par courriel seulement, traité le jour ouvrable suivant.
""",
        ),
    ],
    5202: [
        (
            "Greeting script",
            """\
## Greeting

> "Westmount Medical Clinic, answering service, this is *(name)*. How may I help you?"

If the caller speaks French: *« Clinique médicale Westmount, bonjour! »*

## Always take

1. Patient's full name and date of birth.
2. Call-back number (repeat it back).
3. Which doctor the patient sees.
4. Reason for the call, in the caller's words.
""",
        ),
        (
            "Emergency procedure",
            """\
## Life-threatening emergency

If the caller describes chest pain, trouble breathing, heavy bleeding or loss of
consciousness: **tell them to hang up and dial 911 now.** Then take a message for the
doctor on call.

## Urgent medical question

1. Page the doctor on call (see the on-call schedule).
2. No answer within **15 minutes**: page again, then call the clinic manager.
3. Never give medical advice.
""",
        ),
        (
            "Clinic hours",
            """\
| Day | Hours |
|---|---|
| Monday to Thursday | 8:00 to 20:00 |
| Friday | 8:00 to 17:00 |
| Saturday | 9:00 to 13:00 (walk-in) |
| Sunday and holidays | Closed |

Prescription renewals: ask the patient to fax their pharmacy request; it takes
**72 hours**.
""",
        ),
    ],
    7300: [
        (
            "Accueil téléphonique",
            """\
> « Chauffage Laval, bonjour! Ici *(prénom)*, que puis-je faire pour vous? »

Noter le nom, le téléphone, l'adresse et le type d'appareil (mazout, gaz, électrique,
thermopompe).
""",
        ),
        (
            "Urgences de chauffage",
            """\
## Urgence

- Plus de chauffage et température extérieure sous **0 °C**;
- Odeur de mazout ou de gaz (dire au client de quitter les lieux et d'appeler le 911
  pour le gaz);
- Fuite d'eau de la chaudière.

## Marche à suivre

1. Texto puis appel au technicien de garde.
2. Sans réponse après 15 minutes : Sylvain Lavoie, cellulaire.
""",
        ),
        (
            "Heures et répartition",
            """\
| Période | Qui reçoit les messages |
|---|---|
| Lundi au vendredi, 8 h à 16 h 30 | Répartition, par courriel |
| Soirs et fins de semaine | Technicien de garde (urgences), sinon courriel |

Les demandes d'entretien annuel ne sont **jamais** urgentes.
""",
        ),
    ],
}


def seed_directory(accounts, rng, stdout) -> None:
    for number, contacts in CONTACTS.items():
        account = accounts.get(number)
        if account is None:
            continue
        for index, (name, title, methods) in enumerate(contacts, start=1):
            data = ContactIn(
                name=name,
                title=title,
                position=index * 10,
                methods=[
                    ContactMethodIn.model_validate({"kind": kind, "value": value, "label": label})
                    for kind, value, label in methods
                ],
            )
            write_contact(account, f"c-{number}-{index}", data)
        for index, (title, body) in enumerate(INFO_PAGES[number], start=1):
            write_info_page(
                account,
                f"p-{number}-{index}",
                InfoPageIn(title=title, body=body, position=index * 10),
            )
    contact_count = sum(map(len, CONTACTS.values()))
    page_count = sum(map(len, INFO_PAGES.values()))
    stdout.write(f"  directory: {contact_count} contacts, {page_count} information pages")
