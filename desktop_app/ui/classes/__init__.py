"""The Classes section of the GUI: class list, one class's page, the certificate register."""

from desktop_app.ui.classes.page import ClassesPage
from desktop_app.ui.classes.register import CertificateRegisterPage

__all__ = ["CertificateRegisterPage", "ClassesPage"]
